using Microsoft.EntityFrameworkCore;
using Portal.CardOnFile;
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

/// <summary>
/// A handler for an event about one Stripe object behind one of our payments. Events about objects Portal did not
/// create (another integration on the same account) are ignored. The idempotency key comes from the event id.
/// </summary>
internal abstract class StripePaymentEventHandler<TObject>(string eventType, StripePaymentLookup lookup) : StripeEventHandler(eventType)
    where TObject : class
{
    protected StripePaymentLookup Lookup => lookup;

    protected ProviderPayments Payments => lookup.Payments;

    protected sealed override async Task<WebhookOutcome> ApplyAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var subject = (TObject)stripeEvent.Data.Object;
        return await FindPaymentAsync(subject, cancellationToken) is { } paymentId
            ? await ApplyAsync(paymentId, subject, StripePaymentLookup.Key(stripeEvent), cancellationToken)
            : WebhookOutcome.Ignored;
    }

    protected abstract Task<Guid?> FindPaymentAsync(TObject subject, CancellationToken cancellationToken);

    protected abstract Task<WebhookOutcome> ApplyAsync(Guid paymentId, TObject subject, string key, CancellationToken cancellationToken);
}

/// <summary>Checkout Sessions carry our payment id in their metadata.</summary>
internal abstract class CheckoutSessionHandler(string eventType, StripePaymentLookup lookup) : StripePaymentEventHandler<Session>(eventType, lookup)
{
    protected override Task<Guid?> FindPaymentAsync(Session session, CancellationToken cancellationToken) =>
        Lookup.FromMetadataAsync(session.Metadata, cancellationToken);
}

/// <summary>checkout.session.completed: paid by card now, or (unpaid) a delayed method such as SEPA still on its way.</summary>
internal sealed class CheckoutSessionCompleted(StripePaymentLookup lookup, SavedCards savedCards) : CheckoutSessionHandler(EventTypes.CheckoutSessionCompleted, lookup)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Guid paymentId, Session session, string key, CancellationToken cancellationToken)
    {
        // The session and its PaymentIntent are stored in the same transaction as what the event reports.
        var ids = new ProviderIds(session.Id, session.PaymentIntentId);
        if (session.PaymentStatus == "paid")
            await Payments.MarkSucceededAsync(paymentId, await Lookup.FeeAsync(session.PaymentIntentId, cancellationToken), key, ids, cancellationToken);
        else
            await Payments.MarkProcessingAsync(paymentId, key, ids, cancellationToken);
        // The client ticked "save this card for automatic payment": the card the payment used is now theirs on file.
        if (session.PaymentStatus == "paid" && session.Metadata?.GetValueOrDefault(SavedCards.SaveCardKey) == "true"
            && session.CustomerId is { } customerId && session.PaymentIntentId is { } intentId)
            await savedCards.SaveFromCheckoutAsync(paymentId, customerId, intentId, cancellationToken);
        return WebhookOutcome.Applied;
    }
}

internal sealed class CheckoutSessionAsyncPaymentSucceeded(StripePaymentLookup lookup) : CheckoutSessionHandler(EventTypes.CheckoutSessionAsyncPaymentSucceeded, lookup)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Guid paymentId, Session session, string key, CancellationToken cancellationToken)
    {
        await Payments.MarkSucceededAsync(paymentId, await Lookup.FeeAsync(session.PaymentIntentId, cancellationToken), key, cancellationToken);
        return WebhookOutcome.Applied;
    }
}

internal sealed class CheckoutSessionAsyncPaymentFailed(StripePaymentLookup lookup) : CheckoutSessionHandler(EventTypes.CheckoutSessionAsyncPaymentFailed, lookup)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Guid paymentId, Session session, string key, CancellationToken cancellationToken)
    {
        await Payments.MarkFailedAsync(paymentId, "The bank did not complete the payment.", key, cancellationToken);
        return WebhookOutcome.Applied;
    }
}

/// <summary>The client left the hosted page without paying: the attempt ends and nothing is held as pending.</summary>
internal sealed class CheckoutSessionExpired(StripePaymentLookup lookup) : CheckoutSessionHandler(EventTypes.CheckoutSessionExpired, lookup)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Guid paymentId, Session session, string key, CancellationToken cancellationToken)
    {
        await Payments.CancelAsync(paymentId, key, cancellationToken);
        return WebhookOutcome.Applied;
    }
}

/// <summary>
/// A card was declined. Inside Checkout the session stays open and the client may try another card, so a checkout
/// payment is left as it is (its session's expiry ends it); a payment made outside Checkout (a saved card charged
/// off-session) has failed, and the client, who was not there to see it, is told.
/// </summary>
internal sealed class PaymentIntentPaymentFailed(StripePaymentLookup lookup, IDbContextFactory<PortalDbContext> dbFactory)
    : StripePaymentEventHandler<PaymentIntent>(EventTypes.PaymentIntentPaymentFailed, lookup)
{
    protected override Task<Guid?> FindPaymentAsync(PaymentIntent intent, CancellationToken cancellationToken) =>
        Lookup.FromPaymentIntentAsync(intent.Id, intent.Metadata, cancellationToken);

    protected override async Task<WebhookOutcome> ApplyAsync(Guid paymentId, PaymentIntent intent, string key, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Payments.AnyAsync(p => p.Id == paymentId && p.ProviderCheckoutId != null, cancellationToken))
                return WebhookOutcome.Ignored;
        }
        await Payments.MarkDeclinedWithoutClientAsync(paymentId, intent.LastPaymentError?.Message ?? "The card was declined.", key, cancellationToken);
        return WebhookOutcome.Applied;
    }
}

/// <summary>
/// A PaymentIntent succeeded. Checkout payments are settled by their session's completion; a saved card charged
/// off-session is settled here when the charge's own answer was lost (an instance stopped between Stripe's answer and
/// booking it). A payment already booked makes this a no-op.
/// </summary>
internal sealed class PaymentIntentSucceeded(StripePaymentLookup lookup, IDbContextFactory<PortalDbContext> dbFactory)
    : StripePaymentEventHandler<PaymentIntent>(EventTypes.PaymentIntentSucceeded, lookup)
{
    protected override Task<Guid?> FindPaymentAsync(PaymentIntent intent, CancellationToken cancellationToken) =>
        Lookup.FromPaymentIntentAsync(intent.Id, intent.Metadata, cancellationToken);

    protected override async Task<WebhookOutcome> ApplyAsync(Guid paymentId, PaymentIntent intent, string key, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Payments.AnyAsync(p => p.Id == paymentId && p.ProviderCheckoutId != null, cancellationToken))
                return WebhookOutcome.Ignored;
        }
        await Payments.MarkSucceededAsync(paymentId, await Lookup.FeeAsync(intent.Id, cancellationToken), key, new ProviderIds(null, intent.Id), cancellationToken);
        return WebhookOutcome.Applied;
    }
}

/// <summary>
/// payment_intent.requires_action: on a Checkout payment the client is on the hosted page confirming it, nothing to do;
/// on a saved card charged off-session only its holder can, so the charge is declined and they are asked to pay.
/// </summary>
internal sealed class PaymentIntentRequiresAction(StripePaymentLookup lookup, CardChargeRun cardCharges)
    : StripePaymentEventHandler<PaymentIntent>(EventTypes.PaymentIntentRequiresAction, lookup)
{
    protected override Task<Guid?> FindPaymentAsync(PaymentIntent intent, CancellationToken cancellationToken) =>
        Lookup.FromPaymentIntentAsync(intent.Id, intent.Metadata, cancellationToken);

    protected override async Task<WebhookOutcome> ApplyAsync(Guid paymentId, PaymentIntent intent, string key, CancellationToken cancellationToken) =>
        await cardCharges.NeedsAuthenticationAsync(paymentId, cancellationToken) ? WebhookOutcome.Applied : WebhookOutcome.Ignored;
}

/// <summary>charge.refunded carries the cumulative amount refunded; the money API books only what is new.</summary>
internal sealed class ChargeRefunded(StripePaymentLookup lookup) : StripePaymentEventHandler<Charge>(EventTypes.ChargeRefunded, lookup)
{
    protected override Task<Guid?> FindPaymentAsync(Charge charge, CancellationToken cancellationToken) =>
        Lookup.FromPaymentIntentAsync(charge.PaymentIntentId, charge.Metadata, cancellationToken);

    protected override async Task<WebhookOutcome> ApplyAsync(Guid paymentId, Charge charge, string key, CancellationToken cancellationToken)
    {
        // The charge as it is now, not as the event saw it: a delivery arriving after one of its refunds failed would
        // otherwise book that refund again.
        var current = await (await Lookup.ClientAsync(cancellationToken)).V1.Charges.GetAsync(charge.Id, cancellationToken: cancellationToken);
        await Payments.RecordRefundAsync(paymentId, StripeAmounts.FromStripe(current.AmountRefunded, current.Currency), key, cancellationToken);
        return WebhookOutcome.Applied;
    }
}

/// <summary>
/// A refund the card could not take (closed, lost or expired card), reported by refund.failed and by refund.updated:
/// booked once per refund, whichever arrives first, and only for a refund Stripe says has failed.
/// </summary>
internal sealed class RefundFailed(string eventType, StripePaymentLookup lookup) : StripePaymentEventHandler<Refund>(eventType, lookup)
{
    public static readonly string[] Types = [EventTypes.RefundFailed, EventTypes.RefundUpdated];

    protected override Task<Guid?> FindPaymentAsync(Refund refund, CancellationToken cancellationToken) =>
        Lookup.FromPaymentIntentAsync(refund.PaymentIntentId, refund.Metadata, cancellationToken);

    protected override async Task<WebhookOutcome> ApplyAsync(Guid paymentId, Refund refund, string key, CancellationToken cancellationToken)
    {
        if (refund.Status != "failed")
            return WebhookOutcome.Ignored;
        await Payments.RecordRefundFailedAsync(paymentId, StripeAmounts.FromStripe(refund.Amount, refund.Currency), $"stripe-refund-failed:{refund.Id}", cancellationToken);
        return WebhookOutcome.Applied;
    }
}

/// <summary>Disputes point at the charge's PaymentIntent, which the completed checkout linked to our payment.</summary>
internal abstract class DisputeHandler(string eventType, StripePaymentLookup lookup) : StripePaymentEventHandler<Dispute>(eventType, lookup)
{
    protected override Task<Guid?> FindPaymentAsync(Dispute dispute, CancellationToken cancellationToken) =>
        Lookup.FromPaymentIntentAsync(dispute.PaymentIntentId, dispute.Metadata, cancellationToken);
}

internal sealed class ChargeDisputeCreated(StripePaymentLookup lookup) : DisputeHandler(EventTypes.ChargeDisputeCreated, lookup)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Guid paymentId, Dispute dispute, string key, CancellationToken cancellationToken)
    {
        await Payments.MarkDisputedAsync(paymentId, key, cancellationToken);
        return WebhookOutcome.Applied;
    }
}

/// <summary>A lost dispute takes the money back (the reverse of the success); a won one leaves or puts it back.</summary>
internal sealed class ChargeDisputeClosed(StripePaymentLookup lookup) : DisputeHandler(EventTypes.ChargeDisputeClosed, lookup)
{
    protected override async Task<WebhookOutcome> ApplyAsync(Guid paymentId, Dispute dispute, string key, CancellationToken cancellationToken)
    {
        switch (dispute.Status)
        {
            case "lost":
                await Payments.ReverseAsync(paymentId, ReversalReason.DisputeLost, key, cancellationToken);
                return WebhookOutcome.Applied;
            case "won":
                await Payments.WinDisputeAsync(paymentId, key, cancellationToken);
                return WebhookOutcome.Applied;
            default:
                // warning_closed and the like: the money never moved.
                return WebhookOutcome.Ignored;
        }
    }
}
