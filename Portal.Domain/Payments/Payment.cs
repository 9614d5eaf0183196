using System.Linq.Expressions;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Wallets;

namespace Portal.Domain.Payments;

/// <summary>
/// Money moving from a client to the firm: through a provider (card, direct debit), by hand (transfer, cheque,
/// cash), or from the client's own credit. Status changes that move money go through <see cref="Settlement"/>,
/// <see cref="Refunds"/> and <see cref="CreditApplication"/>, which update invoices, wallet and ledger with it.
/// Invariant: the allocations always add up to the amount less what was refunded.
/// </summary>
public sealed class Payment : IClientOwned
{
    public const int MaxProviderIdLength = 255;

    private readonly List<PaymentAllocation> _allocations = [];

    private Payment() { }

    private Payment(ClientAccount client, PaymentMethod method, PaymentProvider provider, AllocationPlan plan, string? reference, DateTimeOffset createdAt)
    {
        EnsureProviderFits(method, provider);
        if (plan.ToInvoices.Any(p => p.Invoice.ClientAccountId != client.Id || p.Invoice.FirmId != client.FirmId))
            throw new DomainException("A payment is for the invoices of its own client.");
        if (reference?.Trim().Length > 200)
            throw new DomainException("A payment reference has at most 200 characters.");

        Id = Guid.CreateVersion7();
        FirmId = client.FirmId;
        ClientAccountId = client.Id;
        Method = method;
        Provider = provider;
        Currency = plan.Currency;
        AmountMinor = plan.Total.Minor;
        Reference = string.IsNullOrWhiteSpace(reference) ? null : reference.Trim();
        Status = PaymentStatus.Initiated;
        CreatedAt = createdAt;
        foreach (var (invoice, amount) in plan.ToInvoices)
            _allocations.Add(new PaymentAllocation(this, invoice.Id, amount));
        if (plan.ToWallet.IsPositive)
            _allocations.Add(new PaymentAllocation(this, null, plan.ToWallet));
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    public PaymentMethod Method { get; private set; }
    public PaymentProvider Provider { get; private set; }
    /// <summary>Stripe Checkout Session id, or GoCardless Billing Request id.</summary>
    public string? ProviderCheckoutId { get; private set; }
    /// <summary>Stripe PaymentIntent id, or GoCardless payment id.</summary>
    public string? ProviderPaymentId { get; private set; }
    /// <summary>Cheque number or transfer reference for manual payments.</summary>
    public string? Reference { get; private set; }
    public Currency Currency { get; private set; }
    public long AmountMinor { get; private set; }
    /// <summary>What the provider charged the firm for this payment, as last reported.</summary>
    public long FeeMinor { get; private set; }
    /// <summary>Paid back to the client's card or bank.</summary>
    public long RefundedMinor { get; private set; }
    /// <summary>Taken off an invoice by a credit note and given to the client as credit instead.</summary>
    public long CreditedBackMinor { get; private set; }
    public PaymentStatus Status { get; private set; }
    public bool Disputed { get; private set; }
    public ReversalReason? ReversalReason { get; private set; }
    public string? FailureReason { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? PendingAt { get; private set; }
    public DateTimeOffset? SucceededAt { get; private set; }
    public DateTimeOffset? SettledAt { get; private set; }
    public DateTimeOffset? FailedAt { get; private set; }
    public DateTimeOffset? CancelledAt { get; private set; }
    public DateTimeOffset? ReversedAt { get; private set; }
    public DateTimeOffset? DisputedAt { get; private set; }
    public DateTimeOffset? LastRefundedAt { get; private set; }
    /// <summary>Changed on every write, for optimistic concurrency between webhook processors and staff.</summary>
    public Guid Version { get; private set; } = Guid.NewGuid();
    public IReadOnlyList<PaymentAllocation> Allocations => _allocations;

    public Money Amount => new(AmountMinor, Currency);
    public Money Fee => new(FeeMinor, Currency);
    public Money Refunded => new(RefundedMinor, Currency);
    public Money CreditedBack => new(CreditedBackMinor, Currency);
    /// <summary>What the firm still holds of this payment: the amount less refunds.</summary>
    public Money Retained => Amount - Refunded;
    public Money ToWallet => _allocations.Where(a => a.IsToWallet).Select(a => a.Amount).Sum(Currency);
    public IReadOnlyList<InvoiceAmount> ToInvoices =>
        _allocations.Where(a => a is { IsToWallet: false, AmountMinor: > 0 }).Select(a => new InvoiceAmount(a.InvoiceId!.Value, a.Amount)).ToArray();
    /// <summary>
    /// Only an attempt, never a payment: the client opened a provider's hosted page (card checkout, mandate setup) and
    /// has not finished, or left it and the attempt was abandoned before the provider took any money. It held nothing,
    /// posted nothing and is left out of every list of payments.
    /// </summary>
    public bool IsAttemptOnly => Status == PaymentStatus.Initiated || (Status == PaymentStatus.Cancelled && PendingAt is null && SucceededAt is null);

    /// <summary><see cref="IsAttemptOnly"/> negated, for database queries: payments that reached the provider's money stage (or were recorded by hand).</summary>
    public static readonly Expression<Func<Payment, bool>> ReachedMoneyStage =
        p => p.Status != PaymentStatus.Initiated && !(p.Status == PaymentStatus.Cancelled && p.PendingAt == null && p.SucceededAt == null);

    public bool IsManual => Method is PaymentMethod.BankTransfer or PaymentMethod.Cheque or PaymentMethod.Cash;

    /// <summary>The ledger account the money arrives in: the provider's clearing account, the bank, or the client's wallet.</summary>
    public LedgerAccount ReceivedInto => Method switch
    {
        PaymentMethod.Card or PaymentMethod.DirectDebit => LedgerAccount.Clearing(Provider),
        PaymentMethod.BankTransfer or PaymentMethod.Cheque or PaymentMethod.Cash => LedgerAccount.Bank,
        PaymentMethod.Credit => LedgerAccount.Wallet(ClientAccountId),
    };

    /// <summary>A payment through a provider with the amounts the client chose per invoice.</summary>
    public static Payment TowardsInvoices(ClientAccount client, PaymentMethod method, PaymentProvider provider, IReadOnlyList<InvoicePayment> parts, DateTimeOffset now) =>
        Create(client, method, provider, AllocationPlan.Explicit(parts), now);

    /// <summary>A payment through a provider into the client's credit.</summary>
    public static Payment Prepayment(ClientAccount client, PaymentMethod method, PaymentProvider provider, Money amount, DateTimeOffset now) =>
        Create(client, method, provider, AllocationPlan.Prepayment(amount), now);

    public static Payment Create(ClientAccount client, PaymentMethod method, PaymentProvider provider, AllocationPlan plan, DateTimeOffset now)
    {
        if (method is not (PaymentMethod.Card or PaymentMethod.DirectDebit))
            throw new DomainException("Card and direct debit payments go through a provider; record other payments as manual ones.");
        return new Payment(client, method, provider, plan, null, now);
    }

    /// <summary>A transfer, cheque or cash received by the firm, recorded by staff. Apply it with <see cref="ManualPayments.Record"/>.</summary>
    public static Payment Manual(ClientAccount client, PaymentMethod method, AllocationPlan plan, string? reference, DateTimeOffset receivedAt)
    {
        if (method is not (PaymentMethod.BankTransfer or PaymentMethod.Cheque or PaymentMethod.Cash))
            throw new DomainException("A manual payment is a bank transfer, a cheque or cash.");
        return new Payment(client, method, PaymentProvider.None, plan, reference, receivedAt);
    }

    internal static Payment FromCredit(Wallet wallet, InvoicePayment part, DateTimeOffset now) =>
        new(wallet.FirmId, wallet.ClientAccountId, part, now);

    private Payment(Guid firmId, Guid clientAccountId, InvoicePayment part, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        ClientAccountId = clientAccountId;
        Method = PaymentMethod.Credit;
        Provider = PaymentProvider.None;
        Currency = part.Amount.Currency;
        AmountMinor = part.Amount.Minor;
        Status = PaymentStatus.Initiated;
        CreatedAt = now;
        _allocations.Add(new PaymentAllocation(this, part.Invoice.Id, part.Amount));
    }

    /// <summary>Records the provider's checkout (session or billing request). The same id again is a no-op.</summary>
    public void LinkCheckout(string checkoutId) => ProviderCheckoutId = LinkOnce(ProviderCheckoutId, checkoutId, "checkout");

    /// <summary>Records the provider's payment id (PaymentIntent, GoCardless payment). The same id again is a no-op.</summary>
    public void LinkProviderPayment(string providerPaymentId) => ProviderPaymentId = LinkOnce(ProviderPaymentId, providerPaymentId, "payment");

    /// <summary>The client disputed the payment. No money moves until the provider takes it back (<see cref="Settlement.Reverse"/>).</summary>
    /// <returns>False when the dispute was already known.</returns>
    public bool MarkDisputed(DateTimeOffset now)
    {
        if (Status is PaymentStatus.Initiated or PaymentStatus.Pending or PaymentStatus.Failed or PaymentStatus.Cancelled)
            throw new DomainException("Only a payment that succeeded can be disputed.");
        if (Disputed)
            return false;
        Disputed = true;
        DisputedAt = now;
        Touch();
        return true;
    }

    /// <summary>What <paramref name="change"/> would do now; throws when it contradicts what already happened.</summary>
    public Transition Check(PaymentChange change)
    {
        var transition = PaymentStateMachine.Decide(Status, change);
        return transition.Outcome == TransitionOutcome.Illegal
            ? throw Illegal(change)
            : transition;
    }

    internal PaymentAllocation? AllocationTo(Guid invoiceId) => _allocations.FirstOrDefault(a => a.InvoiceId == invoiceId);

    internal void SetWalletAllocation(Money amount)
    {
        var wallet = _allocations.FirstOrDefault(a => a.IsToWallet);
        if (wallet is null && amount.IsPositive)
            _allocations.Add(new PaymentAllocation(this, null, amount));
        else
            wallet?.ChangeAmount(amount);
        Touch();
    }

    internal void MoveTo(PaymentStatus status, DateTimeOffset now)
    {
        Status = status;
        switch (status)
        {
            case PaymentStatus.Pending: PendingAt = now; break;
            case PaymentStatus.Succeeded: SucceededAt ??= now; break;
            case PaymentStatus.Settled: SettledAt = now; break;
            case PaymentStatus.Failed: FailedAt = now; break;
            case PaymentStatus.Cancelled: CancelledAt = now; break;
            case PaymentStatus.Reversed: ReversedAt = now; break;
            case PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded: LastRefundedAt = now; break;
            case PaymentStatus.Initiated: break;
        }
        Touch();
    }

    internal void RecordFailure(string reason) => FailureReason = reason.Length > 500 ? reason[..500] : reason;

    internal void RecordReversal(ReversalReason reason) => ReversalReason = reason;

    /// <summary>Back from a reversal after a dispute was won: the status it would have had.</summary>
    internal void RestoreAfterDisputeWon(DateTimeOffset now)
    {
        Disputed = false;
        ReversalReason = null;
        MoveTo(RefundedMinor > 0 ? PaymentStatus.PartiallyRefunded : SettledAt is null ? PaymentStatus.Succeeded : PaymentStatus.Settled, now);
    }

    internal void CloseDispute()
    {
        Disputed = false;
        Touch();
    }

    internal void RecordRefund(Money amount, DateTimeOffset now)
    {
        RefundedMinor += amount.Minor;
        MoveTo(RefundedMinor == AmountMinor ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded, now);
    }

    /// <summary>A refund that did not reach the card: counted as refunded no more.</summary>
    internal void RecordRefundFailed(Money amount, DateTimeOffset now)
    {
        RefundedMinor -= amount.Minor;
        MoveTo(RefundedMinor > 0 ? PaymentStatus.PartiallyRefunded : SettledAt is null ? PaymentStatus.Succeeded : PaymentStatus.Settled, now);
    }

    internal void RecordCreditedBack(Money amount)
    {
        CreditedBackMinor += amount.Minor;
        Touch();
    }

    internal void SetFee(Money fee)
    {
        FeeMinor = fee.Minor;
        Touch();
    }

    private static void EnsureProviderFits(PaymentMethod method, PaymentProvider provider)
    {
        var needsProvider = method switch
        {
            PaymentMethod.Card or PaymentMethod.DirectDebit => true,
            PaymentMethod.BankTransfer or PaymentMethod.Cheque or PaymentMethod.Cash or PaymentMethod.Credit => false,
        };
        if (needsProvider && provider == PaymentProvider.None)
            throw new DomainException($"A {method} payment goes through a provider.");
        if (!needsProvider && provider != PaymentProvider.None)
            throw new DomainException($"A {method} payment does not go through a provider.");
    }

    private string? LinkOnce(string? current, string id, string what)
    {
        id = id.Trim();
        if (id.Length is 0 or > MaxProviderIdLength)
            throw new DomainException($"A provider {what} id of 1 to {MaxProviderIdLength} characters is needed.");
        if (current is not null && current != id)
            throw new DomainException($"This payment is already linked to provider {what} {current}.");
        if (current != id)
            Touch();
        return id;
    }

    // Each refusal is an interpolated DomainException of its own, so the page can show it in the reader's language.
    private DomainException Illegal(PaymentChange change) => change switch
    {
        PaymentChange.MarkPending => new DomainException($"A {Status} payment cannot go back to pending."),
        PaymentChange.Succeed => new DomainException($"A {Status} payment cannot succeed."),
        PaymentChange.Fail => Status is PaymentStatus.Succeeded or PaymentStatus.Settled or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded
            ? new DomainException("This payment succeeded; a failure now is a reversal.")
            : new DomainException($"A {Status} payment cannot fail."),
        PaymentChange.Cancel => new DomainException($"A {Status} payment cannot be cancelled."),
        PaymentChange.Settle => new DomainException($"A {Status} payment cannot be paid out."),
        PaymentChange.Reverse => new DomainException($"A {Status} payment has nothing to take back."),
        PaymentChange.WinDispute => new DomainException($"A {Status} payment has no dispute to win."),
    };

    private void Touch() => Version = Guid.NewGuid();
}
