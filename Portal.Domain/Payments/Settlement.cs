using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Wallets;

namespace Portal.Domain.Payments;

/// <summary>
/// What happens to a payment as its provider reports on it: in flight, succeeded, failed, reversed, dispute
/// won, fees, payouts. Each method takes the loaded payment, the invoices it is allocated to and the client's
/// wallet in its currency, checks everything before changing anything, then changes them together and returns
/// the ledger transaction to store in the same database transaction. A repeated or stale provider event returns
/// null (or false) and changes nothing, so it is applied exactly once (invariant 4).
/// </summary>
public static class Settlement
{
    /// <summary>The payment is in flight: its invoice amounts are held as pending so no second collection starts (invariant 5).</summary>
    public static bool MarkInFlight(Payment payment, IReadOnlyCollection<Invoice> invoices, DateTimeOffset now)
    {
        if (payment.Check(PaymentChange.MarkPending).Outcome != TransitionOutcome.Moves)
            return false;
        var reservations = payment.Allocations.Where(a => !a.IsToWallet)
            .Select(a =>
            {
                var invoice = Loaded.Invoice(invoices, a.InvoiceId!.Value);
                var held = invoice.AcceptsPayment ? Money.Max(Money.Zero(a.Currency), Money.Min(a.Amount, invoice.AmountPayable)) : Money.Zero(a.Currency);
                return (Allocation: a, Invoice: invoice, Held: held);
            })
            .ToList();
        foreach (var (allocation, invoice, held) in reservations.Where(r => r.Held.IsPositive))
        {
            invoice.AddPending(held);
            allocation.Reserve(held);
        }
        payment.MoveTo(PaymentStatus.Pending, now);
        return true;
    }

    /// <summary>
    /// The provider (or staff, for a manual payment) confirms the money arrived: clearing (or bank) +X,
    /// receivable −A per invoice, wallet −W. An invoice gets at most what is still due on it; the rest goes
    /// to the wallet (invariant 3). Null when the success was already applied.
    /// </summary>
    public static LedgerTransaction? ApplySucceeded(Payment payment, IReadOnlyCollection<Invoice> invoices, Wallet wallet, string idempotencyKey, DateTimeOffset now, string? source = null)
    {
        EnsureThroughProviderOrBank(payment);
        if (payment.Check(PaymentChange.Succeed).Outcome != TransitionOutcome.Moves)
            return null;
        Loaded.EnsureWalletOf(wallet, payment);
        var landing = WhereMoneyLands(payment, invoices);
        var kind = payment.IsManual ? LedgerTransactionKind.ManualPayment : LedgerTransactionKind.PaymentSucceeded;
        var postings = payment.IsManual
            ? PostingRules.ManualPayment(payment.ClientAccountId, landing.InvoiceAmounts, landing.ToWallet)
            : PostingRules.PaymentSucceeded(payment.ReceivedInto, payment.ClientAccountId, landing.InvoiceAmounts, landing.ToWallet);
        var transaction = LedgerTransaction.Create(payment.FirmId, kind, now, idempotencyKey, SucceededFingerprint(payment.Id, payment.Amount),
            source ?? $"{payment.Method} payment {payment.Id} succeeded", postings, payment.Id);

        foreach (var (allocation, invoice, applied) in landing.OnInvoices)
        {
            if (allocation.Reserved.IsPositive)
                invoice.ReleasePending(allocation.Reserved);
            allocation.Reserve(Money.Zero(allocation.Currency));
            if (applied.IsPositive)
                invoice.ApplyPayment(applied);
            allocation.ChangeAmount(applied);
        }
        LandInWallet(payment, wallet, landing.ToWallet);
        payment.MoveTo(PaymentStatus.Succeeded, now);
        return transaction;
    }

    public static string SucceededFingerprint(Guid paymentId, Money amount) => OperationFingerprint.Of("payment-succeeded", paymentId, amount);

    /// <summary>Failed before any money arrived: what was held pending is released. No ledger movement.</summary>
    public static bool Fail(Payment payment, IReadOnlyCollection<Invoice> invoices, string reason, DateTimeOffset now) =>
        End(payment, invoices, PaymentChange.Fail, now, reason);

    /// <summary>Abandoned or cancelled before any money arrived (checkout expired, collection cancelled).</summary>
    public static bool Cancel(Payment payment, IReadOnlyCollection<Invoice> invoices, DateTimeOffset now) =>
        End(payment, invoices, PaymentChange.Cancel, now, null);

    /// <summary>
    /// The client left the provider's hosted page (cancel, Back, an expired checkout or mandate setup) before the
    /// provider took any money: the attempt ends as cancelled, nothing was held or posted. An attempt that has
    /// already reached the money stage (a delayed method in flight, a success) is not abandoned: false, nothing changes.
    /// </summary>
    public static bool Abandon(Payment payment, IReadOnlyCollection<Invoice> invoices, DateTimeOffset now) =>
        payment.Status == PaymentStatus.Initiated && End(payment, invoices, PaymentChange.Cancel, now, null);

    /// <summary>
    /// A provider's "failed", whenever it comes: before success it ends the payment (null); after success it is
    /// a late failure and reverses it (GoCardless can fail a payment it already confirmed).
    /// </summary>
    public static LedgerTransaction? ApplyFailure(Payment payment, IReadOnlyCollection<Invoice> invoices, Wallet wallet, string reason, string idempotencyKey, DateTimeOffset now)
    {
        if (PaymentStateMachine.Decide(payment.Status, PaymentChange.Reverse).Outcome == TransitionOutcome.Moves)
        {
            var transaction = Reverse(payment, invoices, wallet, ReversalReason.LateFailure, idempotencyKey, now);
            payment.RecordFailure(reason);
            return transaction;
        }
        Fail(payment, invoices, reason, now);
        return null;
    }

    /// <summary>
    /// Money taken back after success (late failure, chargeback, dispute lost): the reverse of what it paid.
    /// Invoices reopen; credit it brought is taken back even if already spent, which can leave the wallet
    /// negative and flagged (invariant 2). Null when already reversed.
    /// </summary>
    public static LedgerTransaction? Reverse(Payment payment, IReadOnlyCollection<Invoice> invoices, Wallet wallet, ReversalReason reason, string idempotencyKey, DateTimeOffset now)
    {
        EnsureThroughProviderOrBank(payment);
        if (payment.Check(PaymentChange.Reverse).Outcome != TransitionOutcome.Moves)
            return null;
        Loaded.EnsureWalletOf(wallet, payment);
        var fromInvoices = payment.ToInvoices.Select(a => (Part: a, Invoice: Loaded.Invoice(invoices, a.InvoiceId))).ToList();
        foreach (var (part, invoice) in fromInvoices.Where(p => p.Part.Amount > p.Invoice.Paid))
            throw new DomainException($"{invoice.Number} shows {invoice.Paid} paid, less than the {part.Amount} this payment put on it.");
        var fromWallet = payment.ToWallet;
        var transaction = LedgerTransaction.Create(payment.FirmId, LedgerTransactionKind.PaymentReversed, now, idempotencyKey,
            ReversedFingerprint(payment.Id, reason), $"{payment.Method} payment {payment.Id} reversed: {reason}",
            PostingRules.PaymentReversed(payment.ReceivedInto, payment.ClientAccountId, payment.ToInvoices, fromWallet), payment.Id);

        foreach (var (part, invoice) in fromInvoices)
            invoice.ReversePayment(part.Amount);
        if (fromWallet.IsPositive)
            wallet.ReverseSpentMoney(fromWallet);
        payment.RecordReversal(reason);
        payment.MoveTo(PaymentStatus.Reversed, now);
        return transaction;
    }

    public static string ReversedFingerprint(Guid paymentId, ReversalReason reason) => OperationFingerprint.Of("payment-reversed", paymentId, reason);

    /// <summary>
    /// The firm won the dispute: if the money had been taken back it arrives again, landing where it was (an
    /// invoice paid meanwhile sends its share to the wallet). Null when nothing had been taken back.
    /// </summary>
    public static LedgerTransaction? WinDispute(Payment payment, IReadOnlyCollection<Invoice> invoices, Wallet wallet, string idempotencyKey, DateTimeOffset now)
    {
        EnsureThroughProviderOrBank(payment);
        if (payment.Check(PaymentChange.WinDispute).Outcome != TransitionOutcome.Moves)
        {
            if (payment.Disputed)
                payment.CloseDispute();
            return null;
        }
        Loaded.EnsureWalletOf(wallet, payment);
        var landing = WhereMoneyLands(payment, invoices);
        var transaction = LedgerTransaction.Create(payment.FirmId, LedgerTransactionKind.DisputeWon, now, idempotencyKey,
            OperationFingerprint.Of("dispute-won", payment.Id), $"{payment.Method} payment {payment.Id}: dispute won",
            PostingRules.DisputeWon(payment.ReceivedInto, payment.ClientAccountId, landing.InvoiceAmounts, landing.ToWallet), payment.Id);

        foreach (var (allocation, invoice, applied) in landing.OnInvoices)
        {
            if (applied.IsPositive)
                invoice.ApplyPayment(applied);
            allocation.ChangeAmount(applied);
        }
        LandInWallet(payment, wallet, landing.ToWallet);
        payment.RestoreAfterDisputeWon(now);
        return transaction;
    }

    /// <summary>
    /// The provider reports its fee for this payment, as a total so far: fees +ΔF · clearing −ΔF for the change.
    /// The same total reported again posts nothing (null); a lower total is a fee given back.
    /// </summary>
    public static LedgerTransaction? RecordFee(Payment payment, Money totalFee, string idempotencyKey, DateTimeOffset now)
    {
        if (payment.Provider == PaymentProvider.None)
            throw new DomainException("Only a payment through a provider has a provider fee.");
        if (totalFee.Currency != payment.Currency)
            throw new DomainException($"This payment is in {payment.Currency}; its fee cannot be in {totalFee.Currency}.");
        if (totalFee.IsNegative)
            throw new DomainException("A provider fee cannot be negative.");
        var change = totalFee - payment.Fee;
        if (change.IsZero)
            return null;
        var transaction = LedgerTransaction.Create(payment.FirmId, LedgerTransactionKind.ProviderFee, now, idempotencyKey,
            OperationFingerprint.Of("provider-fee", payment.Id, totalFee), $"{payment.Provider} fee on payment {payment.Id}",
            PostingRules.ProviderFee(payment.Provider, change), payment.Id);
        payment.SetFee(totalFee);
        return transaction;
    }

    /// <summary>The provider paid this payment out to the firm (GoCardless paid_out). No ledger movement: the payout itself is <see cref="RecordPayout"/>.</summary>
    public static bool MarkSettled(Payment payment, DateTimeOffset now)
    {
        if (payment.Check(PaymentChange.Settle).Outcome != TransitionOutcome.Moves)
            return false;
        payment.MoveTo(PaymentStatus.Settled, now);
        return true;
    }

    /// <summary>A provider payout reached the firm's bank: bank +N · clearing −N.</summary>
    public static LedgerTransaction RecordPayout(Guid firmId, PaymentProvider provider, Money net, string providerPayoutId, string idempotencyKey, DateTimeOffset now)
    {
        if (provider == PaymentProvider.None)
            throw new DomainException("A payout comes from a provider.");
        if (!net.IsPositive)
            throw new DomainException("A payout must be more than zero.");
        return LedgerTransaction.Create(firmId, LedgerTransactionKind.Payout, now, idempotencyKey,
            PayoutFingerprint(provider, providerPayoutId, net), $"{provider} payout {providerPayoutId}",
            PostingRules.Payout(provider, net));
    }

    public static string PayoutFingerprint(PaymentProvider provider, string providerPayoutId, Money net) =>
        OperationFingerprint.Of("payout", provider, providerPayoutId, net);

    private static bool End(Payment payment, IReadOnlyCollection<Invoice> invoices, PaymentChange change, DateTimeOffset now, string? reason)
    {
        var transition = payment.Check(change);
        if (transition.Outcome != TransitionOutcome.Moves)
            return false;
        var held = payment.Allocations.Where(a => a.Reserved.IsPositive)
            .Select(a => (Allocation: a, Invoice: Loaded.Invoice(invoices, a.InvoiceId!.Value)))
            .ToList();
        foreach (var (allocation, invoice) in held)
        {
            invoice.ReleasePending(allocation.Reserved);
            allocation.Reserve(Money.Zero(allocation.Currency));
        }
        if (reason is not null)
            payment.RecordFailure(reason);
        payment.MoveTo(transition.To, now);
        return true;
    }

    private sealed record Landing(IReadOnlyList<(PaymentAllocation Allocation, Invoice Invoice, Money Applied)> OnInvoices, Money ToWallet)
    {
        public IReadOnlyList<InvoiceAmount> InvoiceAmounts =>
            OnInvoices.Where(l => l.Applied.IsPositive).Select(l => new InvoiceAmount(l.Invoice.Id, l.Applied)).ToArray();
    }

    /// <summary>Each invoice takes what is still due on it (nothing if it no longer accepts payment); the rest goes to the wallet.</summary>
    private static Landing WhereMoneyLands(Payment payment, IReadOnlyCollection<Invoice> invoices)
    {
        var onInvoices = payment.Allocations.Where(a => !a.IsToWallet)
            .Select(a =>
            {
                var invoice = Loaded.Invoice(invoices, a.InvoiceId!.Value);
                var due = invoice.AcceptsPayment ? invoice.AmountDue : Money.Zero(a.Currency);
                return (Allocation: a, Invoice: invoice, Applied: Money.Max(Money.Zero(a.Currency), Money.Min(a.Amount, due)));
            })
            .ToList();
        var overflow = onInvoices.Select(l => l.Allocation.Amount - l.Applied).Sum(payment.Currency);
        return new Landing(onInvoices, payment.ToWallet + overflow);
    }

    private static void LandInWallet(Payment payment, Wallet wallet, Money toWallet)
    {
        payment.SetWalletAllocation(toWallet);
        if (toWallet.IsPositive)
            wallet.Credit(toWallet);
    }

    private static void EnsureThroughProviderOrBank(Payment payment)
    {
        if (payment.Method == PaymentMethod.Credit)
            throw new DomainException("Credit used on an invoice is not a provider payment; refund it as credit instead.");
    }
}

/// <summary>Checks that the caller loaded the aggregates an operation needs; a mismatch is a bug in the caller, not a user error.</summary>
internal static class Loaded
{
    public static Invoice Invoice(IReadOnlyCollection<Invoice> invoices, Guid invoiceId) =>
        invoices.FirstOrDefault(i => i.Id == invoiceId)
        ?? throw new ArgumentException($"Invoice {invoiceId} is allocated and must be loaded.", nameof(invoices));

    public static void EnsureWalletOf(Wallet wallet, Payment payment)
    {
        if (wallet.FirmId != payment.FirmId || wallet.ClientAccountId != payment.ClientAccountId || wallet.Currency != payment.Currency)
            throw new ArgumentException("The wallet given is not the client's wallet in the payment's currency.", nameof(wallet));
    }
}
