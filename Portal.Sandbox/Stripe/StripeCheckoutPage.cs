using System.Globalization;
using Microsoft.AspNetCore.Http;
using Portal.Sandbox.Common;
using static Portal.Sandbox.Common.SandboxPage;

namespace Portal.Sandbox.Stripe;

// The hosted Checkout page at /sandbox/stripe/pay/{sessionId}. Each button posts the payer's choice, the outcome is
// applied, and the browser is sent back to the app, as Stripe's own page would.
internal static class StripeCheckoutPage
{
    public static IResult Show(StripeSandbox sandbox, string sessionId)
    {
        var account = sandbox.OwnerOf(sessionId);
        if (account is null)
        {
            return Html("Not found", "<h1>Checkout session not found</h1>", StatusCodes.Status404NotFound);
        }

        lock (account.Gate)
        {
            StripeCheckoutOutcomes.ApplyClock(account, sandbox.Clock.GetUtcNow());
            var session = account.Get<StripeCheckoutSession>(sessionId, "checkout.session");
            return session.Status == "open" ? Form(session, error: null) : Closed(session);
        }
    }

    public static async Task<IResult> ActAsync(HttpContext context, StripeSandbox sandbox, string sessionId)
    {
        var form = await context.Request.ReadFormAsync();
        var choice = form["action"].ToString();
        var account = sandbox.OwnerOf(sessionId);
        if (account is null)
        {
            return Html("Not found", "<h1>Checkout session not found</h1>", StatusCodes.Status404NotFound);
        }

        lock (account.Gate)
        {
            var action = new StripeAction(account, sandbox.Clock.GetUtcNow(), null);
            StripeCheckoutOutcomes.ApplyClock(account, action.Now);
            var session = account.Get<StripeCheckoutSession>(sessionId, "checkout.session");
            if (choice == "cancel")
            {
                return session.CancelUrl is { } cancelUrl ? Results.Redirect(cancelUrl) : Closed(session);
            }

            if (session.Status != "open")
            {
                return Closed(session, StatusCodes.Status409Conflict);
            }

            switch (choice)
            {
                case "pay":
                    StripeCheckoutOutcomes.PayByCard(action, session);
                    break;
                case "decline":
                    return Form(session, StripeCheckoutOutcomes.DeclineCard(action, session));
                case "delayed_success":
                    StripeCheckoutOutcomes.PayByDelayedMethod(action, session, DelayedOutcome.Succeeds);
                    break;
                case "delayed_failure":
                    StripeCheckoutOutcomes.PayByDelayedMethod(action, session, DelayedOutcome.Fails);
                    break;
                default:
                    return Form(session, $"Unknown choice '{choice}'.", StatusCodes.Status400BadRequest);
            }

            return session.SuccessUrl is null ? Closed(session) : Results.Redirect(StripeCheckoutOutcomes.SuccessRedirect(session));
        }
    }

    private static IResult Form(StripeCheckoutSession session, string? error, int statusCode = StatusCodes.Status200OK)
    {
        var lines = string.Concat(session.LineItems.Select(item =>
            $"""<tr><td>{Encode(item.Description)} × {item.Quantity}</td><td class="right">{Money(item.Amount, item.Currency)}</td></tr>"""));
        var errorHtml = error is null ? "" : $"""<div class="error" role="alert">{Encode(error)}</div>""";
        var body = $"""
            <h1>Pay {Encode(session.Metadata.GetValueOrDefault("invoice_number") ?? "your invoice")}</h1>
            <div class="amount">{Money(session.AmountTotal, session.Currency)}</div>
            <table>{lines}</table>
            {errorHtml}
            <form method="post">
              {Button("pay", "Pay with card •••• 4242")}
              {Button("decline", "Pay with a card that is declined", "secondary")}
              {Button("delayed_success", "Pay by SEPA Direct Debit (succeeds later)", "secondary")}
              {Button("delayed_failure", "Pay by SEPA Direct Debit (fails later)", "secondary")}
              {Button("cancel", "Cancel and go back", "danger")}
            </form>
            <p class="muted">Checkout session {Encode(session.Id)}</p>
            """;
        return Html("Checkout", body, statusCode);
    }

    private static IResult Closed(StripeCheckoutSession session, int statusCode = StatusCodes.Status200OK) =>
        Html("Checkout", $"""
            <h1>This checkout is {Encode(session.Status)}</h1>
            <p>Payment status: {Encode(session.PaymentStatus)}.</p>
            <p class="muted">Checkout session {Encode(session.Id)}</p>
            """, statusCode);

    // Stripe amounts are in the currency's minor unit; Currency knows each exponent (JPY 0, EUR 2, KWD 3).
    private static string Money(long amount, string currency) =>
        Portal.Domain.Currency.TryFromCode(currency, out var known)
            ? $"{((decimal)amount / known.MinorPerMajor).ToString("N" + known.Exponent, CultureInfo.InvariantCulture)} {known.Code}"
            : $"{amount.ToString(CultureInfo.InvariantCulture)} {currency.ToUpperInvariant()} (minor units)";
}
