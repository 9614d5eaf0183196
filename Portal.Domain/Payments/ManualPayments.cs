using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Wallets;

namespace Portal.Domain.Payments;

/// <summary>A payment together with the ledger transaction that booked it; both are saved together.</summary>
public sealed record BookedPayment(Payment Payment, LedgerTransaction Transaction);

/// <summary>Staff record a transfer, cheque or cash they received: bank +X · receivable −A · wallet −W.</summary>
public static class ManualPayments
{
    public static BookedPayment Record(ClientAccount client, PaymentMethod method, AllocationPlan plan, Wallet wallet, string? reference, string idempotencyKey, DateTimeOffset receivedAt)
    {
        var payment = Payment.Manual(client, method, plan, reference, receivedAt);
        var invoices = plan.ToInvoices.Select(p => p.Invoice).ToArray();
        var transaction = Settlement.ApplySucceeded(payment, invoices, wallet, idempotencyKey, receivedAt, payment.Reference is null ? $"{method} recorded by staff" : $"{method} {payment.Reference} recorded by staff")
            ?? throw new InvalidOperationException("A new manual payment always succeeds once.");
        return new BookedPayment(payment, transaction);
    }

    /// <summary>
    /// Undoes a payment staff recorded by mistake, the day it was recorded (the firm's clock): the reverse of what it
    /// paid, so its invoices are due again and the credit it brought is taken back (even if spent: the wallet then
    /// goes negative and is flagged). Later, the money either came and stays, or it bounced: see <see cref="Bounce"/>.
    /// </summary>
    public static LedgerTransaction Void(Payment payment, IReadOnlyCollection<Invoice> invoices, Wallet wallet, DateOnly recordedOn, DateOnly today, string reason, string idempotencyKey, DateTimeOffset now)
    {
        EnsureManual(payment);
        if (recordedOn != today)
            throw new DomainException($"A payment can be voided only on the day it was recorded ({recordedOn}); record that it bounced instead.");
        return TakeBack(payment, invoices, wallet, ReversalReason.EnteredInError, reason, idempotencyKey, now);
    }

    /// <summary>
    /// A cheque or transfer came back unpaid on <paramref name="bouncedOn"/>: the reverse of what it paid, dated that
    /// day, with the bank's reason. Cash cannot bounce.
    /// </summary>
    public static LedgerTransaction Bounce(Payment payment, IReadOnlyCollection<Invoice> invoices, Wallet wallet, DateOnly bouncedOn, BusinessCalendar calendar, string reason, string idempotencyKey, DateTimeOffset now)
    {
        var today = calendar.DayOf(now);
        EnsureManual(payment);
        if (payment.Method == PaymentMethod.Cash)
            throw new DomainException("Cash cannot bounce; void the payment if it was recorded by mistake.");
        if (bouncedOn > today)
            throw new DomainException($"A payment cannot bounce in the future ({bouncedOn}).");
        var receivedOn = calendar.DayOf(payment.CreatedAt);
        if (bouncedOn < receivedOn)
            throw new DomainException($"A payment cannot bounce ({bouncedOn}) before it was received ({receivedOn}).");
        // Dated the day it bounced, so the statement shows it then (at the start of the firm's day); today keeps the
        // time it was recorded. A payment received that same earlier day stays before it.
        var at = bouncedOn == today ? now : Later(calendar.StartOf(bouncedOn), payment.CreatedAt);
        return TakeBack(payment, invoices, wallet, ReversalReason.Bounced, reason, idempotencyKey, at);
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    public static string VoidFingerprint(Guid paymentId, string reason) => OperationFingerprint.Of("manual-payment-voided", paymentId, reason.Trim());

    public static string BounceFingerprint(Guid paymentId, DateOnly bouncedOn, string reason) =>
        OperationFingerprint.Of("manual-payment-bounced", paymentId, bouncedOn.DayNumber, reason.Trim());

    private static LedgerTransaction TakeBack(Payment payment, IReadOnlyCollection<Invoice> invoices, Wallet wallet, ReversalReason why, string reason, string idempotencyKey, DateTimeOffset at)
    {
        reason = reason.Trim();
        if (reason.Length is 0 or > 500)
            throw new DomainException("Give a reason (at most 500 characters).");
        var transaction = Settlement.Reverse(payment, invoices, wallet, why, idempotencyKey, at)
            ?? throw new DomainException("This payment was already taken back.");
        payment.RecordFailure(reason);
        return transaction;
    }

    private static void EnsureManual(Payment payment)
    {
        if (!payment.IsManual)
            throw new DomainException("Only a transfer, cheque or cash payment recorded by staff can be voided or marked as bounced.");
    }

    public static string Fingerprint(Guid clientAccountId, PaymentMethod method, AllocationPlan plan, string? reference) =>
        OperationFingerprint.Of("manual-payment", clientAccountId, method, reference?.Trim(),
            plan.ToInvoices.Select(p => new InvoiceAmount(p.Invoice.Id, p.Amount)).ToArray(), plan.ToWallet);
}
