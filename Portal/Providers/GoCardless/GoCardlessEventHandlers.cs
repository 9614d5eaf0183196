using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.DirectDebit;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.GoCardless;
using Portal.Payments;
using Portal.Payouts;
using Portal.Domain.Payouts;
using Portal.Webhooks;

namespace Portal.Providers.GoCardless;

/// <summary>
/// Base of the handlers for one GoCardless event type (<c>resource_type.action</c>) each. The signature was checked
/// when the batch was stored; each inbox row holds one event. Idempotency keys come from the event id, so a redelivered
/// or reconciled event replays instead of moving money twice.
/// </summary>
public abstract class GoCardlessEventHandler(string resourceType, string action) : IWebhookHandler
{
    public PaymentProvider Provider => PaymentProvider.GoCardless;

    public string EventType { get; } = GoCardlessWebhookEndpoint.TypeOf(resourceType, action);

    public Task<WebhookOutcome> ApplyAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken) =>
        ApplyAsync(JsonSerializer.Deserialize<GoCardlessEvent>(webhookEvent.Body, GoCardlessJson.Options)
            ?? throw new JsonException("The stored GoCardless event is empty."), cancellationToken);

    public static string Key(GoCardlessEvent gcEvent, string? step = null) => step is null ? $"gocardless:{gcEvent.Id}" : $"gocardless:{gcEvent.Id}:{step}";

    protected abstract Task<WebhookOutcome> ApplyAsync(GoCardlessEvent gcEvent, CancellationToken cancellationToken);
}

/// <summary>payments.*: the change GoCardlessPaymentChanges reads from the event, applied through the money API.</summary>
public sealed class GoCardlessPaymentEvent(string action, ProviderPayments payments, DirectDebitRetries retries, IDbContextFactory<PortalDbContext> dbFactory)
    : GoCardlessEventHandler("payments", action)
{
    public static readonly IReadOnlyList<string> Actions =
    [
        "created", "submitted", "customer_approval_granted", "resubmission_requested", "confirmed", "paid_out",
        "failed", "charged_back", "chargeback_cancelled", "cancelled", "customer_approval_denied", "late_failure_settled",
    ];

    protected override async Task<WebhookOutcome> ApplyAsync(GoCardlessEvent gcEvent, CancellationToken cancellationToken)
    {
        if (GoCardlessPaymentChanges.For(gcEvent) is not { } change || await PaymentOfAsync(gcEvent, cancellationToken) is not { } paymentId)
            return WebhookOutcome.Ignored;
        var key = Key(gcEvent);
        switch (change.Change)
        {
            case PaymentChange.MarkPending:
                await payments.MarkProcessingAsync(paymentId, key, cancellationToken);
                break;
            case PaymentChange.Succeed:
                // GoCardless takes its fees from the payout, so they are booked when the payout is paid.
                await payments.MarkSucceededAsync(paymentId, null, key, cancellationToken);
                break;
            case PaymentChange.Settle:
                await payments.MarkSettledAsync(paymentId, key, cancellationToken);
                break;
            case PaymentChange.Fail:
                await payments.MarkFailedAsync(paymentId, change.FailureReason ?? "The direct debit failed.", key, cancellationToken);
                // An automatic collection that failed for want of funds may be tried again (the firm's retry policy).
                await retries.PlanAfterFailureAsync(paymentId, gcEvent.Details.Cause, cancellationToken);
                break;
            case PaymentChange.Reverse:
                await payments.ReverseAsync(paymentId, change.Reversal ?? ReversalReason.Chargeback, key, cancellationToken);
                break;
            case PaymentChange.Cancel:
                await payments.CancelAsync(paymentId, key, cancellationToken);
                break;
            case PaymentChange.WinDispute:
                await payments.WinDisputeAsync(paymentId, key, cancellationToken);
                break;
        }
        return WebhookOutcome.Applied;
    }

    /// <summary>
    /// Our payment behind the event: by GoCardless payment id, or by the portal id in the payment's metadata when the
    /// event overtook the link being stored after the collection was created.
    /// </summary>
    private async Task<Guid?> PaymentOfAsync(GoCardlessEvent gcEvent, CancellationToken cancellationToken)
    {
        if (gcEvent.Links.Payment is not { } providerId)
            return null;
        if (await payments.FindByProviderIdAsync(PaymentProvider.GoCardless, providerId, cancellationToken) is { } found)
            return found;
        if (!gcEvent.ResourceMetadata.TryGetValue(GoCardlessCollector.PortalPaymentMetadataKey, out var text) || !Guid.TryParse(text, out var id))
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Payments.AnyAsync(p => p.Id == id && p.Provider == PaymentProvider.GoCardless, cancellationToken))
            return null;
        await payments.LinkProviderPaymentAsync(id, providerId, cancellationToken);
        return id;
    }
}

/// <summary>mandates.*: re-read the mandate (events arrive out of order) and follow it; a replaced one hands over to its successor.</summary>
public sealed class GoCardlessMandateEvent(string action, DirectDebitMandates mandates, GoCardlessConnector connector)
    : GoCardlessEventHandler("mandates", action)
{
    public static readonly IReadOnlyList<string> Actions =
    [
        "created", "customer_approval_granted", "submitted", "active", "reinstated", "failed", "cancelled", "expired", "replaced", "blocked", "consumed",
    ];

    protected override async Task<WebhookOutcome> ApplyAsync(GoCardlessEvent gcEvent, CancellationToken cancellationToken)
    {
        if (gcEvent.Links.Mandate is not { } mandateId || await mandates.FindAsync(mandateId, cancellationToken) is not { } stored)
            return WebhookOutcome.Ignored;
        var client = await connector.ClientAsync(cancellationToken);
        var current = await client.GetMandateAsync(mandateId, cancellationToken);
        await mandates.UpdateAsync(current, cancellationToken);
        if ((gcEvent.Links.NewMandate ?? current.Links.NewMandate) is { } replacementId)
        {
            var replacement = await client.GetMandateAsync(replacementId, cancellationToken);
            var bank = replacement.Links.CustomerBankAccount is { } bankId ? await client.GetCustomerBankAccountAsync(bankId, cancellationToken) : null;
            await mandates.StoreAsync(stored.ClientAccountId, new MandateSummary(replacement.Id, replacement.Links.Customer ?? stored.CustomerId, replacement.Scheme,
                replacement.Currency, replacement.Status, replacement.NextPossibleChargeDate, bank?.BankName, bank?.AccountNumberEnding, replacement.Reference), cancellationToken);
        }
        return WebhookOutcome.Applied;
    }
}

/// <summary>billing_requests.fulfilled: the payer finished the hosted flow; store the mandate and collect what waited for it.</summary>
public sealed class GoCardlessBillingRequestFulfilled(DirectDebitPayments directDebits) : GoCardlessEventHandler("billing_requests", "fulfilled")
{
    protected override async Task<WebhookOutcome> ApplyAsync(GoCardlessEvent gcEvent, CancellationToken cancellationToken)
    {
        if (gcEvent.Links.BillingRequest is not { } requestId)
            return WebhookOutcome.Ignored;
        return await directDebits.CompleteSetupAsync(requestId, cancellationToken) ? WebhookOutcome.Applied : WebhookOutcome.Ignored;
    }
}

/// <summary>
/// payouts.paid: the payout is re-read with its items (payout_items) and recorded: bank +N · clearing −N, once per
/// payout. GoCardless takes its fees out of the payout, one fee item per payment, so each of our payments' fees is
/// booked here (fees +F · clearing −F) as the total the items give it. Items about payments Portal does not know
/// stay in the record, unmatched.
/// </summary>
public sealed class GoCardlessPayoutPaid(ProviderPayments payments, ProviderPayouts payouts, GoCardlessConnector connector) : GoCardlessEventHandler("payouts", "paid")
{
    protected override async Task<WebhookOutcome> ApplyAsync(GoCardlessEvent gcEvent, CancellationToken cancellationToken)
    {
        if (gcEvent.Links.Payout is not { } payoutId)
            return WebhookOutcome.Ignored;
        var client = await connector.ClientAsync(cancellationToken);
        var payout = await client.GetPayoutAsync(payoutId, cancellationToken);
        var currency = payout.Amount.Currency;
        var lines = new List<PayoutLine>();
        var fees = new Dictionary<Guid, Money>();
        await foreach (var item in client.ListPayoutItemsAsync(payoutId, cancellationToken: cancellationToken))
        {
            var kind = KindOf(item.Type);
            var paymentId = item.Links.Payment is { } providerPaymentId
                ? await payments.FindByProviderIdAsync(PaymentProvider.GoCardless, providerPaymentId, cancellationToken)
                : null;
            var amount = item.AmountIn(currency);
            var tax = item.Taxes.Count == 0 ? (Money?)null : item.Taxes.Select(t => t.AmountIn(currency)).Sum(currency);
            lines.Add(new PayoutLine(kind, item.Links.Refund ?? item.Links.Payment ?? "", amount, paymentId, tax));
            if (kind == PayoutItemKind.Fee && paymentId is { } id)
                fees[id] = fees.GetValueOrDefault(id, Money.Zero(currency)) - amount;
        }
        foreach (var (paymentId, fee) in fees)
            await payments.RecordFeeAsync(paymentId, fee, ProviderPayouts.Key(PaymentProvider.GoCardless, payoutId, PayoutStatus.Paid) + $":fee:{paymentId:N}", cancellationToken);
        var status = payout.Status == GoCardlessPayoutStatus.Bounced ? PayoutStatus.Failed : PayoutStatus.Paid;
        await payouts.RecordAsync(new PayoutReport(PaymentProvider.GoCardless, payoutId, status, payout.Amount, payout.ArrivalDate, lines), cancellationToken);
        return WebhookOutcome.Applied;
    }

    private static PayoutItemKind KindOf(string type) => type switch
    {
        "payment_paid_out" => PayoutItemKind.Payment,
        "refund" or "payment_refunded" => PayoutItemKind.Refund,
        "gocardless_fee" or "app_fee" or "surcharge_fee" => PayoutItemKind.Fee,
        _ => PayoutItemKind.Other,
    };
}

/// <summary>
/// billing_requests.flow_exited: the payer left the hosted mandate page. The attempt is abandoned (the billing request
/// cancelled at GoCardless first, so the old link cannot be signed and collected later); a mandate setup without a
/// payment has nothing to abandon.
/// </summary>
public sealed class GoCardlessBillingRequestFlowExited(ProviderPayments payments, PaymentAttempts attempts) : GoCardlessEventHandler("billing_requests", "flow_exited")
{
    protected override async Task<WebhookOutcome> ApplyAsync(GoCardlessEvent gcEvent, CancellationToken cancellationToken)
    {
        if (gcEvent.Links.BillingRequest is not { } requestId
            || await payments.FindByProviderIdAsync(PaymentProvider.GoCardless, requestId, cancellationToken) is not { } paymentId)
            return WebhookOutcome.Ignored;
        return await attempts.AbandonAsync(paymentId, cancellationToken) ? WebhookOutcome.Applied : WebhookOutcome.Ignored;
    }
}

/// <summary>billing_requests.cancelled and .failed: no mandate will come from this request, so its attempt ends with nothing taken.</summary>
public sealed class GoCardlessBillingRequestEnded(string action, ProviderPayments payments) : GoCardlessEventHandler("billing_requests", action)
{
    public static readonly IReadOnlyList<string> Actions = ["cancelled", "failed"];

    protected override async Task<WebhookOutcome> ApplyAsync(GoCardlessEvent gcEvent, CancellationToken cancellationToken)
    {
        if (gcEvent.Links.BillingRequest is not { } requestId
            || await payments.FindByProviderIdAsync(PaymentProvider.GoCardless, requestId, cancellationToken) is not { } paymentId)
            return WebhookOutcome.Ignored;
        await payments.AbandonAsync(paymentId, Key(gcEvent), cancellationToken);
        return WebhookOutcome.Applied;
    }
}

/// <summary>
/// A billing request as a hosted page: closing it cancels it at GoCardless (its flows stop working). One the payer
/// already signed is not closed: its mandate and the collection follow.
/// </summary>
public sealed class GoCardlessHostedCheckout(GoCardlessConnector connector) : IHostedCheckout
{
    public PaymentProvider Provider => PaymentProvider.GoCardless;

    public async Task<bool> CloseAsync(string checkoutId, CancellationToken cancellationToken)
    {
        var client = await connector.ClientAsync(cancellationToken);
        var request = await client.GetBillingRequestAsync(checkoutId, cancellationToken);
        if (request.Status is GoCardlessBillingRequestStatus.Pending or GoCardlessBillingRequestStatus.ReadyToFulfil)
        {
            try
            {
                request = await client.CancelBillingRequestAsync(checkoutId, cancellationToken);
            }
            catch (GoCardlessApiException)
            {
                // Fulfilled between the read and the cancel: read what it became.
                request = await client.GetBillingRequestAsync(checkoutId, cancellationToken);
            }
        }
        return request.Status == GoCardlessBillingRequestStatus.Cancelled;
    }
}
