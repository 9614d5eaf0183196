using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Payments;
using Portal.Webhooks;
using Stripe;
using Stripe.Checkout;

namespace Portal.Providers.Stripe;

/// <summary>
/// What the Stripe handlers share: finding our payment behind a Stripe object, the firm's Stripe client for
/// re-reading a resource, and idempotency keys derived from the event id, so a redelivered or reconciled event
/// replays instead of moving money twice.
/// </summary>
public sealed class StripePaymentLookup(ProviderPayments payments, IDbContextFactory<PortalDbContext> dbFactory, StripeClients clients)
{
    public const string PaymentIdKey = "portal_payment_id";

    public ProviderPayments Payments => payments;

    public static string Key(Event stripeEvent, string? step = null) => step is null ? $"stripe:{stripeEvent.Id}" : $"stripe:{stripeEvent.Id}:{step}";

    /// <summary>Our payment id from Stripe metadata, if the object was created by Portal and the payment is this firm's.</summary>
    public async Task<Guid?> FromMetadataAsync(IDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        if (metadata is null || !metadata.TryGetValue(PaymentIdKey, out var text) || !Guid.TryParse(text, out var id))
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Payments.AnyAsync(p => p.Id == id && p.Provider == PaymentProvider.Stripe, cancellationToken) ? id : null;
    }

    public async Task<Guid?> FromPaymentIntentAsync(string? paymentIntentId, IDictionary<string, string>? metadata, CancellationToken cancellationToken) =>
        await FromMetadataAsync(metadata, cancellationToken)
        ?? (paymentIntentId is null ? null : await payments.FindByProviderIdAsync(PaymentProvider.Stripe, paymentIntentId, cancellationToken));

    /// <summary>Stripe's fee on the payment, read from the charge's balance transaction (absent until the money has moved).</summary>
    public async Task<Money?> FeeAsync(string? paymentIntentId, CancellationToken cancellationToken)
    {
        if (paymentIntentId is null)
            return null;
        var client = await ClientAsync(cancellationToken);
        var intent = await client.V1.PaymentIntents.GetAsync(paymentIntentId, new PaymentIntentGetOptions { Expand = ["latest_charge.balance_transaction"] }, cancellationToken: cancellationToken);
        return intent.LatestCharge?.BalanceTransaction is { } balance ? StripeAmounts.FromStripe(balance.Fee, balance.Currency) : null;
    }

    public async Task<StripeClient> ClientAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = await db.ProviderConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Provider == PaymentProvider.Stripe, cancellationToken)
            ?? throw new DomainException("Stripe is no longer connected for this firm.");
        return clients.For(connection);
    }
}

/// <summary>checkout.session.completed: paid by card now, or (unpaid) a delayed method such as SEPA still on its way.</summary>
internal sealed class CheckoutSessionCompleted(StripePaymentLookup lookup) : StripeEventHandler(EventTypes.CheckoutSessionCompleted)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var session = (Session)stripeEvent.Data.Object;
        if (await lookup.FromMetadataAsync(session.Metadata, cancellationToken) is not { } paymentId)
            return WebhookOutcome.Ignored;
        await lookup.Payments.LinkCheckoutAsync(paymentId, session.Id, cancellationToken);
        if (session.PaymentIntentId is { } intentId)
            await lookup.Payments.LinkProviderPaymentAsync(paymentId, intentId, cancellationToken);
        if (session.PaymentStatus == "paid")
            await lookup.Payments.MarkSucceededAsync(paymentId, await lookup.FeeAsync(session.PaymentIntentId, cancellationToken), StripePaymentLookup.Key(stripeEvent), cancellationToken);
        else
            await lookup.Payments.MarkProcessingAsync(paymentId, StripePaymentLookup.Key(stripeEvent), cancellationToken);
        return WebhookOutcome.Applied;
    }
}

internal sealed class CheckoutSessionAsyncPaymentSucceeded(StripePaymentLookup lookup) : StripeEventHandler(EventTypes.CheckoutSessionAsyncPaymentSucceeded)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var session = (Session)stripeEvent.Data.Object;
        if (await lookup.FromMetadataAsync(session.Metadata, cancellationToken) is not { } paymentId)
            return WebhookOutcome.Ignored;
        await lookup.Payments.MarkSucceededAsync(paymentId, await lookup.FeeAsync(session.PaymentIntentId, cancellationToken), StripePaymentLookup.Key(stripeEvent), cancellationToken);
        return WebhookOutcome.Applied;
    }
}

internal sealed class CheckoutSessionAsyncPaymentFailed(StripePaymentLookup lookup) : StripeEventHandler(EventTypes.CheckoutSessionAsyncPaymentFailed)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var session = (Session)stripeEvent.Data.Object;
        if (await lookup.FromMetadataAsync(session.Metadata, cancellationToken) is not { } paymentId)
            return WebhookOutcome.Ignored;
        await lookup.Payments.MarkFailedAsync(paymentId, "The bank did not complete the payment.", StripePaymentLookup.Key(stripeEvent), cancellationToken);
        return WebhookOutcome.Applied;
    }
}

/// <summary>The client left the hosted page without paying: the attempt ends and nothing is held as pending.</summary>
internal sealed class CheckoutSessionExpired(StripePaymentLookup lookup) : StripeEventHandler(EventTypes.CheckoutSessionExpired)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var session = (Session)stripeEvent.Data.Object;
        if (await lookup.FromMetadataAsync(session.Metadata, cancellationToken) is not { } paymentId)
            return WebhookOutcome.Ignored;
        await lookup.Payments.CancelAsync(paymentId, StripePaymentLookup.Key(stripeEvent), cancellationToken);
        return WebhookOutcome.Applied;
    }
}

/// <summary>
/// A card was declined. Inside Checkout the session stays open and the client may try another card, so a checkout
/// payment is left as it is (its session's expiry ends it); a payment made outside Checkout has failed.
/// </summary>
internal sealed class PaymentIntentPaymentFailed(StripePaymentLookup lookup, IDbContextFactory<PortalDbContext> dbFactory) : StripeEventHandler(EventTypes.PaymentIntentPaymentFailed)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var intent = (PaymentIntent)stripeEvent.Data.Object;
        if (await lookup.FromPaymentIntentAsync(intent.Id, intent.Metadata, cancellationToken) is not { } paymentId)
            return WebhookOutcome.Ignored;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Payments.AnyAsync(p => p.Id == paymentId && p.ProviderCheckoutId != null, cancellationToken))
                return WebhookOutcome.Ignored;
        }
        var reason = intent.LastPaymentError?.Message ?? "The card was declined.";
        await lookup.Payments.MarkFailedAsync(paymentId, reason, StripePaymentLookup.Key(stripeEvent), cancellationToken);
        return WebhookOutcome.Applied;
    }
}

/// <summary>charge.refunded carries the cumulative amount refunded; the money API books only what is new.</summary>
internal sealed class ChargeRefunded(StripePaymentLookup lookup) : StripeEventHandler(EventTypes.ChargeRefunded)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var charge = (Charge)stripeEvent.Data.Object;
        if (await lookup.FromPaymentIntentAsync(charge.PaymentIntentId, charge.Metadata, cancellationToken) is not { } paymentId)
            return WebhookOutcome.Ignored;
        await lookup.Payments.RecordRefundAsync(paymentId, StripeAmounts.FromStripe(charge.AmountRefunded, charge.Currency), StripePaymentLookup.Key(stripeEvent), cancellationToken);
        return WebhookOutcome.Applied;
    }
}

internal sealed class ChargeDisputeCreated(StripePaymentLookup lookup) : StripeEventHandler(EventTypes.ChargeDisputeCreated)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var dispute = (Dispute)stripeEvent.Data.Object;
        if (await lookup.FromPaymentIntentAsync(dispute.PaymentIntentId, dispute.Metadata, cancellationToken) is not { } paymentId)
            return WebhookOutcome.Ignored;
        await lookup.Payments.MarkDisputedAsync(paymentId, StripePaymentLookup.Key(stripeEvent), cancellationToken);
        return WebhookOutcome.Applied;
    }
}

/// <summary>A lost dispute takes the money back (the reverse of the success); a won one leaves or puts it back.</summary>
internal sealed class ChargeDisputeClosed(StripePaymentLookup lookup) : StripeEventHandler(EventTypes.ChargeDisputeClosed)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var dispute = (Dispute)stripeEvent.Data.Object;
        if (await lookup.FromPaymentIntentAsync(dispute.PaymentIntentId, dispute.Metadata, cancellationToken) is not { } paymentId)
            return WebhookOutcome.Ignored;
        var key = StripePaymentLookup.Key(stripeEvent);
        switch (dispute.Status)
        {
            case "lost":
                await lookup.Payments.ReverseAsync(paymentId, ReversalReason.DisputeLost, key, cancellationToken);
                return WebhookOutcome.Applied;
            case "won":
                await lookup.Payments.WinDisputeAsync(paymentId, key, cancellationToken);
                return WebhookOutcome.Applied;
            default:
                // warning_closed and the like: the money never moved.
                return WebhookOutcome.Ignored;
        }
    }
}
