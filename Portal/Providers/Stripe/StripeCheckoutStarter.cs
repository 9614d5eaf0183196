using Microsoft.EntityFrameworkCore;
using Portal.CardOnFile;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Payments;
using Stripe;
using Stripe.Checkout;
using PaymentMethod = Portal.Domain.Payments.PaymentMethod;

namespace Portal.Providers.Stripe;

/// <summary>A client's card payment: amounts on chosen invoices and/or a prepayment, and where the hosted page returns.</summary>
public sealed record CardPaymentRequest(Guid ClientAccountId, IReadOnlyList<InvoiceAmount> Invoices, Money? Prepayment, string RequestKey, Uri PortalBaseUrl, string? PayerEmail)
{
    /// <summary>The portal page the hosted page returns to, followed by the payment's id (a guest paying by pay link returns to the guest page).</summary>
    public string ReturnPathPrefix { get; init; } = "portal/payments/";

    /// <summary>The client agreed that the card they pay with is saved and charged automatically on their invoices' due dates.</summary>
    public bool SaveCardForAutomaticPayment { get; init; }
}

/// <summary>The payment recorded for a card checkout, and the hosted page to send the client to.</summary>
public sealed record CardCheckout(Guid PaymentId, string Url);

/// <summary>
/// Starts a card payment: records it as Initiated with its intended allocations, then opens a Stripe Checkout Session
/// for exactly that amount and returns the hosted page's URL. Nothing is owed or paid until Stripe reports back.
/// </summary>
public sealed class StripeCheckoutStarter(
    ProviderPayments payments, PaymentAttempts attempts, StripePaymentLookup lookup, SavedCards savedCards, IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<CardCheckout> StartAsync(CardPaymentRequest request, CancellationToken cancellationToken = default)
    {
        if (request.SaveCardForAutomaticPayment)
            await savedCards.EnsureFirmChargesSavedCardsAsync(cancellationToken);
        var client = await lookup.ClientAsync(cancellationToken);
        var initiated = await payments.InitiateAsync(new ProviderPaymentRequest(
            request.ClientAccountId, PaymentMethod.Card, PaymentProvider.Stripe, request.Invoices, request.Prepayment, "card:" + request.RequestKey), cancellationToken);
        var paymentId = initiated.Id ?? throw new InvalidOperationException("The payment was not created.");
        await attempts.SupersedeAsync(request.ClientAccountId, [.. request.Invoices.Select(i => i.InvoiceId)], paymentId, cancellationToken);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payment = await db.Payments.AsNoTracking().SingleAsync(p => p.Id == paymentId, cancellationToken);
        var invoiceIds = request.Invoices.Select(i => i.InvoiceId).ToArray();
        var numbers = await db.Invoices.Where(i => invoiceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Number ?? "", cancellationToken);

        var metadata = new Dictionary<string, string> { [StripePaymentLookup.PaymentIdKey] = paymentId.ToString() };
        // Saving the card needs the client's Stripe customer to attach it to (Stripe then takes no payer email).
        var customer = request.SaveCardForAutomaticPayment ? await savedCards.CustomerForAsync(request.ClientAccountId, cancellationToken) : null;
        if (customer is not null)
            metadata[SavedCards.SaveCardKey] = "true";
        var returnUrl = new Uri(request.PortalBaseUrl, $"{request.ReturnPathPrefix}{paymentId}").ToString();
        var session = await client.V1.Checkout.Sessions.CreateAsync(new SessionCreateOptions
        {
            Mode = "payment",
            LineItems = [.. LineItems(request, numbers)],
            Metadata = metadata,
            ClientReferenceId = paymentId.ToString(),
            Customer = customer,
            CustomerEmail = customer is null ? request.PayerEmail : null,
            PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = metadata, SetupFutureUsage = customer is null ? null : "off_session" },
            SuccessUrl = returnUrl + "?session_id={CHECKOUT_SESSION_ID}",
            CancelUrl = returnUrl + "?cancelled=true",
        }, new RequestOptions { IdempotencyKey = "checkout:" + paymentId }, cancellationToken);
        if (StripeAmounts.FromStripe(session.AmountTotal ?? 0, session.Currency) != payment.Amount)
            throw new InvalidOperationException("Stripe's checkout total differs from the payment.");
        await payments.LinkCheckoutAsync(paymentId, session.Id, cancellationToken);
        return new CardCheckout(paymentId, session.Url);
    }

    private static IEnumerable<SessionLineItemOptions> LineItems(CardPaymentRequest request, Dictionary<Guid, string> numbers)
    {
        foreach (var (invoiceId, amount) in request.Invoices)
            yield return Line($"Invoice {numbers.GetValueOrDefault(invoiceId)}", amount);
        if (request.Prepayment is { IsPositive: true } prepayment)
            yield return Line("Prepayment (account credit)", prepayment);
    }

    private static SessionLineItemOptions Line(string name, Money amount) => new()
    {
        Quantity = 1,
        PriceData = new SessionLineItemPriceDataOptions
        {
            Currency = StripeAmounts.ToStripeCurrency(amount.Currency),
            UnitAmount = StripeAmounts.ToStripeAmount(amount),
            ProductData = new SessionLineItemPriceDataProductDataOptions { Name = name },
        },
    };
}

/// <summary>
/// A Checkout Session as a hosted page: closing it expires it at Stripe, so it can no longer be paid (Stripe then sends
/// checkout.session.expired, which finds the attempt already ended).
/// </summary>
public sealed class StripeHostedCheckout(StripePaymentLookup lookup) : IHostedCheckout
{
    public PaymentProvider Provider => PaymentProvider.Stripe;

    public async Task<bool> CloseAsync(string checkoutId, CancellationToken cancellationToken)
    {
        var client = await lookup.ClientAsync(cancellationToken);
        var session = await client.V1.Checkout.Sessions.GetAsync(checkoutId, cancellationToken: cancellationToken);
        if (session.Status == "open")
        {
            try
            {
                session = await client.V1.Checkout.Sessions.ExpireAsync(checkoutId, cancellationToken: cancellationToken);
            }
            catch (StripeException)
            {
                // Completed between the read and the expiry: read what it became.
                session = await client.V1.Checkout.Sessions.GetAsync(checkoutId, cancellationToken: cancellationToken);
            }
        }
        return session.Status == "expired";
    }
}
