using Portal.Domain.Clients;
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

    public static string Fingerprint(Guid clientAccountId, PaymentMethod method, AllocationPlan plan, string? reference) =>
        OperationFingerprint.Of("manual-payment", clientAccountId, method, reference?.Trim(),
            plan.ToInvoices.Select(p => new InvoiceAmount(p.Invoice.Id, p.Amount)).ToArray(), plan.ToWallet);
}
