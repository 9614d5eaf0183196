using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Deposits;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Notifications;

namespace Portal.Payments;

/// <summary>
/// A card or direct-debit payment a client starts: amounts on chosen invoices (full or partial, per the firm's
/// policy) and/or a prepayment into credit. Nothing is collected yet; the provider's checkout or collection is
/// started with the payment id this returns.
/// </summary>
public sealed record ProviderPaymentRequest(
    Guid ClientAccountId, PaymentMethod Method, PaymentProvider Provider, IReadOnlyList<InvoiceAmount> Invoices, Money? Prepayment, string IdempotencyKey);

/// <summary>A provider's ids for one of our payments, as a report names them: its checkout, its payment (either may be unknown).</summary>
public sealed record ProviderIds(string? CheckoutId, string? PaymentId)
{
    public static readonly ProviderIds None = new(null, null);
}

/// <summary>
/// The API the Stripe and GoCardless adapters drive: create a payment, then report what the provider says
/// about it. Every call takes an idempotency key (use the provider's event id, or event id + suffix when one
/// event makes several calls): replaying a key returns the first result and changes nothing, a key reused for
/// something else throws <see cref="IdempotencyKeyReusedException"/>. The payment's state machine also makes a
/// stale or repeated report a no-op, so out-of-order delivery is safe. Money movements are booked in the
/// ledger in the same database transaction as the payment, invoice and wallet changes.
/// Call it in a scope acting for the firm (<c>TenantContext.ActFor(firmId)</c>).
/// </summary>
public sealed class ProviderPayments(LedgerWriter writer, IDbContextFactory<PortalDbContext> dbFactory, PaymentNotices notices)
{
    private const string InitiateOperation = "provider-payment";

    /// <summary>Creates an Initiated payment with its intended allocations; returns its id. Checks the firm's policy (methods, partial minimum, prepayments).</summary>
    public Task<MoneyResult> InitiateAsync(ProviderPaymentRequest request, CancellationToken cancellationToken = default) =>
        writer.RunAsync(new MoneyOperation(InitiateOperation, request.IdempotencyKey,
            OperationFingerprint.Of(InitiateOperation, request.ClientAccountId, request.Method, request.Provider, request.Invoices.ToArray(), request.Prepayment)), async work =>
        {
            var client = await work.ClientAsync(request.ClientAccountId);
            var policy = (await work.FirmAsync()).Policy;
            var invoices = await work.InvoicesOfAsync(client.Id, request.Invoices.Select(i => i.InvoiceId).ToArray());
            var method = MethodFlag(request.Method);
            if (!policy.MethodsAllowed.HasFlag(method))
                throw new DomainException($"This firm does not take {request.Method} payments.");
            var parts = request.Invoices.Select(i => new InvoicePayment(invoices.Single(v => v.Id == i.InvoiceId), i.Amount)).ToArray();
            foreach (var (invoice, amount) in parts)
            {
                if (!invoice.MethodsAllowed.HasFlag(method))
                    throw new DomainException($"{invoice.Number} cannot be paid by {request.Method}.");
                if (invoice.AcceptsPayment && amount.Currency == invoice.Currency)
                    policy.EnsurePayable(amount, invoice.AmountPayable);
            }
            if (request.Prepayment is { } prepayment)
            {
                if (!policy.PrepaymentsAllowed)
                    throw new DomainException("This firm does not take prepayments.");
                if (prepayment.Minor < policy.PrepaymentMinimumMinor)
                    throw new DomainException($"A prepayment must be at least {new Money(policy.PrepaymentMinimumMinor, prepayment.Currency)}.");
            }
            var payment = Payment.Create(client, request.Method, request.Provider, AllocationPlan.Explicit(parts, request.Prepayment), work.Now);
            work.Insert(payment);
            return payment.Id;
        }, cancellationToken);

    /// <summary>Stores the provider's checkout id (Stripe Checkout Session, GoCardless Billing Request). The same id again is a no-op; another id is refused.</summary>
    public Task LinkCheckoutAsync(Guid paymentId, string checkoutId, CancellationToken cancellationToken = default) =>
        ChangeAsync(paymentId, p => p.LinkCheckout(checkoutId), cancellationToken);

    /// <summary>Stores the provider's payment id (PaymentIntent, GoCardless payment). The same id again is a no-op; another id is refused.</summary>
    public Task LinkProviderPaymentAsync(Guid paymentId, string providerPaymentId, CancellationToken cancellationToken = default) =>
        ChangeAsync(paymentId, p => p.LinkProviderPayment(providerPaymentId), cancellationToken);

    /// <summary>The payment an earlier <see cref="InitiateAsync"/> made under <paramref name="idempotencyKey"/>, if any.</summary>
    public async Task<Guid?> FindByRequestKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default)
    {
        var key = LedgerTransaction.EnsureKey(idempotencyKey);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.IdempotentRequests.AsNoTracking().Where(r => r.Key == key && r.Operation == InitiateOperation)
            .Select(r => r.ResultId).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>The payment a provider id (checkout or payment id) belongs to, or null; for webhook handlers.</summary>
    public async Task<Guid?> FindByProviderIdAsync(PaymentProvider provider, string providerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Payments.Where(p => p.Provider == provider && (p.ProviderCheckoutId == providerId || p.ProviderPaymentId == providerId))
            .Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>In flight (direct debit submitted, delayed card method): the invoice amounts are held as pending, not paid. No ledger movement.</summary>
    public Task<MoneyResult> MarkProcessingAsync(Guid paymentId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        MarkProcessingAsync(paymentId, idempotencyKey, ProviderIds.None, cancellationToken);

    /// <summary>As <see cref="MarkProcessingAsync(Guid, string, CancellationToken)"/>, storing the provider's ids the report came with in the same transaction.</summary>
    public Task<MoneyResult> MarkProcessingAsync(Guid paymentId, string idempotencyKey, ProviderIds ids, CancellationToken cancellationToken = default) =>
        OnPaymentAsync("payment-processing", paymentId, idempotencyKey, [], (work, loaded) =>
            Settlement.MarkInFlight(loaded.Payment, loaded.Invoices, work.Now), cancellationToken, ids);

    /// <summary>
    /// The money arrived: clearing +X · receivable −A · wallet −W (an invoice paid meanwhile sends its share to
    /// credit). With <paramref name="totalFee"/>, the provider's fee is booked too (fees +F · clearing −F).
    /// </summary>
    public Task<MoneyResult> MarkSucceededAsync(Guid paymentId, Money? totalFee, string idempotencyKey, CancellationToken cancellationToken = default) =>
        MarkSucceededAsync(paymentId, totalFee, idempotencyKey, ProviderIds.None, cancellationToken);

    /// <summary>
    /// As <see cref="MarkSucceededAsync(Guid, Money?, string, CancellationToken)"/>, storing the provider's ids the report
    /// came with (a completed Checkout Session and its PaymentIntent) in the same transaction rather than in one each.
    /// </summary>
    public Task<MoneyResult> MarkSucceededAsync(Guid paymentId, Money? totalFee, string idempotencyKey, ProviderIds ids, CancellationToken cancellationToken = default) =>
        OnPaymentWorkAsync("payment-succeeded", paymentId, idempotencyKey, [totalFee], async (work, loaded) =>
        {
            // What the client meant as a prepayment, read before success sends an invoice paid meanwhile to credit too.
            var meantAsPrepayment = loaded.Payment.ToWallet;
            var succeeded = Settlement.ApplySucceeded(loaded.Payment, loaded.Invoices, loaded.Wallet, work.IdempotencyKey, work.Now);
            work.Post(succeeded);
            if (totalFee is { } fee)
                work.Post(Settlement.RecordFee(loaded.Payment, fee, work.IdempotencyKey + ":fee", work.Now));
            // The credit is granted now, so its deposit invoice is issued now, in the same transaction (decision 0027).
            if (succeeded is not null)
                await DepositInvoicing.IssueAsync(work, loaded.Payment, meantAsPrepayment, succeeded);
        }, cancellationToken, ids);

    /// <summary>
    /// The provider says the payment failed. Before success it just ends it (pending amounts released); after
    /// success it is a late failure and reverses it (invoices reopen, wallet may go negative and be flagged).
    /// </summary>
    public Task<MoneyResult> MarkFailedAsync(Guid paymentId, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        OnPaymentAsync("payment-failed", paymentId, idempotencyKey, [reason], (work, loaded) =>
            work.Post(Settlement.ApplyFailure(loaded.Payment, loaded.Invoices, loaded.Wallet, reason, work.IdempotencyKey, work.Now)), cancellationToken);

    /// <summary>
    /// A charge made without the client present (a saved card charged on the due date) was declined. It ends as
    /// <see cref="MarkFailedAsync"/> would; since nobody saw the decline on a payment page, the client and staff are told,
    /// once, whichever of the charge's answer and Stripe's webhook reports it first.
    /// </summary>
    public Task<MoneyResult> MarkDeclinedWithoutClientAsync(Guid paymentId, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        OnPaymentWorkAsync("payment-declined-without-client", paymentId, idempotencyKey, [reason], async (work, loaded) =>
        {
            var before = loaded.Payment.Status;
            work.Post(Settlement.ApplyFailure(loaded.Payment, loaded.Invoices, loaded.Wallet, reason, work.IdempotencyKey, work.Now));
            if (before == PaymentStatus.Initiated && loaded.Payment.Status == PaymentStatus.Failed)
                await notices.FailedAsync(work, loaded.Payment);
        }, cancellationToken);

    /// <summary>Abandoned before any money arrived (checkout expired, collection cancelled). No ledger movement.</summary>
    public Task<MoneyResult> CancelAsync(Guid paymentId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        OnPaymentAsync("payment-cancelled", paymentId, idempotencyKey, [], (work, loaded) =>
            Settlement.Cancel(loaded.Payment, loaded.Invoices, work.Now), cancellationToken);

    /// <summary>
    /// The client left the hosted page before the provider took any money: the attempt ends as cancelled and is no
    /// payment. A no-op once the provider has the money in flight or paid (see <see cref="Settlement.Abandon"/>).
    /// </summary>
    public Task<MoneyResult> AbandonAsync(Guid paymentId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        OnPaymentAsync("payment-abandoned", paymentId, idempotencyKey, [], (work, loaded) =>
            Settlement.Abandon(loaded.Payment, loaded.Invoices, work.Now), cancellationToken);

    /// <summary>The provider's fee for the payment, as a total so far: the change is booked (fees +ΔF · clearing −ΔF).</summary>
    public Task<MoneyResult> RecordFeeAsync(Guid paymentId, Money totalFee, string idempotencyKey, CancellationToken cancellationToken = default) =>
        OnPaymentAsync("payment-fee", paymentId, idempotencyKey, [totalFee], (work, loaded) =>
            work.Post(Settlement.RecordFee(loaded.Payment, totalFee, work.IdempotencyKey, work.Now)), cancellationToken);

    /// <summary>
    /// The provider refunded the payment; <paramref name="totalRefunded"/> is the cumulative amount refunded so far
    /// (Stripe's amount_refunded). Only the part not yet booked is refunded; the same total again is a no-op.
    /// </summary>
    public Task<MoneyResult> RecordRefundAsync(Guid paymentId, Money totalRefunded, string idempotencyKey, CancellationToken cancellationToken = default) =>
        OnPaymentWorkAsync("payment-refunded", paymentId, idempotencyKey, [totalRefunded], async (work, loaded) =>
        {
            var change = totalRefunded - loaded.Payment.Refunded;
            if (!change.IsPositive)
                return;
            var creditBefore = loaded.Wallet.Balance;
            work.Post(Refunds.ToPaymentMethod(loaded.Payment, loaded.Invoices, loaded.Wallet, change, work.IdempotencyKey, work.Now));
            // The unspent credit it gave back is no longer a deposit held for the client.
            await DepositInvoicing.RefundedAsync(work, loaded.Payment, creditBefore - loaded.Wallet.Balance);
        }, cancellationToken);

    /// <summary>
    /// A refund to the card failed at the bank (card closed, lost, expired): the money is back with the provider and the
    /// client keeps it as credit (<see cref="Refunds.Failed"/>); staff are told, so they can give it back another way.
    /// Keyed by the provider's refund, so each failure is booked once whichever of its events arrives first.
    /// </summary>
    public Task<MoneyResult> RecordRefundFailedAsync(Guid paymentId, Money amount, string idempotencyKey, CancellationToken cancellationToken = default) =>
        OnPaymentWorkAsync("refund-failed", paymentId, idempotencyKey, [amount], async (work, loaded) =>
        {
            work.Post(Refunds.Failed(loaded.Payment, loaded.Wallet, amount, work.IdempotencyKey, work.Now));
            // The credit it gives back is covered by the payment's deposit invoice again.
            await DepositInvoicing.RefundFailedAsync(work, loaded.Payment, amount);
            await notices.RefundFailedAsync(work, loaded.Payment, loaded.Wallet, amount, work.IdempotencyKey);
        }, cancellationToken);

    /// <summary>The client disputed the payment; nothing moves until the money is taken (<see cref="ReverseAsync"/>).</summary>
    public Task<MoneyResult> MarkDisputedAsync(Guid paymentId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        OnPaymentAsync("payment-disputed", paymentId, idempotencyKey, [], (work, loaded) =>
            loaded.Payment.MarkDisputed(work.Now), cancellationToken);

    /// <summary>Money taken back after success (chargeback, dispute lost, late failure): the reverse of the success. A second report is a no-op.</summary>
    public Task<MoneyResult> ReverseAsync(Guid paymentId, ReversalReason reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        OnPaymentAsync("payment-reversed", paymentId, idempotencyKey, [reason], (work, loaded) =>
            work.Post(Settlement.Reverse(loaded.Payment, loaded.Invoices, loaded.Wallet, reason, work.IdempotencyKey, work.Now)), cancellationToken);

    /// <summary>The firm won the dispute: if the money had been taken back it lands again.</summary>
    public Task<MoneyResult> WinDisputeAsync(Guid paymentId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        OnPaymentAsync("dispute-won", paymentId, idempotencyKey, [], (work, loaded) =>
            work.Post(Settlement.WinDispute(loaded.Payment, loaded.Invoices, loaded.Wallet, work.IdempotencyKey, work.Now)), cancellationToken);

    /// <summary>Paid out to the firm (GoCardless paid_out). Status only; the money itself is booked by <see cref="RecordPayoutAsync"/>.</summary>
    public Task<MoneyResult> MarkSettledAsync(Guid paymentId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        OnPaymentAsync("payment-settled", paymentId, idempotencyKey, [], (work, loaded) =>
            Settlement.MarkSettled(loaded.Payment, work.Now), cancellationToken);

    /// <summary>A provider payout reached the firm's bank: bank +N · clearing −N.</summary>
    public Task<MoneyResult> RecordPayoutAsync(PaymentProvider provider, string providerPayoutId, Money net, string idempotencyKey, CancellationToken cancellationToken = default) =>
        writer.RunAsync(new MoneyOperation("payout", idempotencyKey, Settlement.PayoutFingerprint(provider, providerPayoutId, net)), work =>
        {
            var transaction = Settlement.RecordPayout(work.FirmId, provider, net, providerPayoutId, work.IdempotencyKey, work.Now);
            work.Post(transaction);
            return Task.FromResult<Guid?>(transaction.Id);
        }, cancellationToken);

    private Task<MoneyResult> OnPaymentAsync(
        string operation, Guid paymentId, string idempotencyKey, object?[] inputs, Action<MoneyWork, LoadedPayment> change, CancellationToken cancellationToken, ProviderIds? ids = null) =>
        OnPaymentWorkAsync(operation, paymentId, idempotencyKey, inputs, (work, loaded) =>
        {
            change(work, loaded);
            return Task.CompletedTask;
        }, cancellationToken, ids);

    private Task<MoneyResult> OnPaymentWorkAsync(
        string operation, Guid paymentId, string idempotencyKey, object?[] inputs, Func<MoneyWork, LoadedPayment, Task> change, CancellationToken cancellationToken, ProviderIds? ids = null) =>
        // The ids are not part of the fingerprint: the key comes from the provider's event, which always names the same ones.
        writer.RunAsync(new MoneyOperation(operation, idempotencyKey, OperationFingerprint.Of(operation, [paymentId, .. inputs])), async work =>
        {
            var loaded = await work.PaymentAsync(paymentId);
            if (ids?.CheckoutId is { } checkoutId)
                loaded.Payment.LinkCheckout(checkoutId);
            if (ids?.PaymentId is { } providerPaymentId)
                loaded.Payment.LinkProviderPayment(providerPaymentId);
            var before = loaded.Payment.Status;
            await change(work, loaded);
            // The client and staff hear of the outcome in this same transaction: once, exactly when it commits.
            switch (PaymentOutcomes.Of(loaded.Payment, before))
            {
                case PaymentOutcome.Scheduled: await notices.CollectionScheduledAsync(work, loaded.Payment); break;
                case PaymentOutcome.Confirmed: await notices.ConfirmedAsync(work, loaded.Payment, loaded.Wallet); break;
                case PaymentOutcome.Failed: await notices.FailedAsync(work, loaded.Payment); break;
                case PaymentOutcome.Reversed: await notices.ReversedAsync(work, loaded.Payment); break;
                case PaymentOutcome.None: break;
            }
            return paymentId;
        }, cancellationToken);

    private async Task ChangeAsync(Guid paymentId, Action<Payment> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payment = await db.Payments.SingleOrDefaultAsync(p => p.Id == paymentId, cancellationToken) ?? throw new NotFoundException("payment");
        change(payment);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static PaymentMethods MethodFlag(PaymentMethod method) => method switch
    {
        PaymentMethod.Card => PaymentMethods.Card,
        PaymentMethod.DirectDebit => PaymentMethods.DirectDebit,
        PaymentMethod.Credit => PaymentMethods.Credit,
        PaymentMethod.BankTransfer or PaymentMethod.Cheque or PaymentMethod.Cash =>
            throw new DomainException("Card and direct debit payments go through a provider; record other payments as manual ones."),
    };
}
