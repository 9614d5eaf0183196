namespace Portal.Sandbox.Stripe;

// A change to an account at one moment, from an API request (Request set) or from a payer on a hosted page.
internal sealed record StripeAction(StripeAccount Account, DateTimeOffset Now, StripeEventRequest? Request)
{
    public long Timestamp => Now.ToUnixTimeSeconds();

    public void Emit(string type, IStripeObject subject) => Account.Emit(type, subject, Request, Now);
}
