using Portal.Domain.Ledger;
using Portal.Domain.Payments;

namespace Portal.Books;

/// <summary>Entry labels in the chart's language: what an accountant reads in the journal, never the ledger's internal source text.</summary>
public static class BooksText
{
    public static string Label(string language, LedgerTransactionKind kind, PaymentMethod? method, IReadOnlyList<string> invoices, string? client)
    {
        var french = language == "fr";
        var what = (kind, french) switch
        {
            (LedgerTransactionKind.InvoiceIssued, true) => "Facture",
            (LedgerTransactionKind.InvoiceIssued, false) => "Invoice",
            (LedgerTransactionKind.InvoiceVoided, true) => "Annulation facture",
            (LedgerTransactionKind.InvoiceVoided, false) => "Invoice voided",
            (LedgerTransactionKind.PaymentSucceeded or LedgerTransactionKind.ManualPayment, true) => "Règlement " + Method(method, true),
            (LedgerTransactionKind.PaymentSucceeded or LedgerTransactionKind.ManualPayment, false) => "Payment " + Method(method, false),
            (LedgerTransactionKind.ProviderFee, true) => "Commission prestataire",
            (LedgerTransactionKind.ProviderFee, false) => "Provider fee",
            (LedgerTransactionKind.Payout, true) => "Virement du prestataire",
            (LedgerTransactionKind.Payout, false) => "Provider payout",
            (LedgerTransactionKind.CreditApplied, true) => "Imputation d'avoir client",
            (LedgerTransactionKind.CreditApplied, false) => "Credit applied",
            (LedgerTransactionKind.RefundToPaymentMethod, true) => "Remboursement",
            (LedgerTransactionKind.RefundToPaymentMethod, false) => "Refund",
            (LedgerTransactionKind.RefundAsCredit, true) => "Remboursement en avoir",
            (LedgerTransactionKind.RefundAsCredit, false) => "Refund as credit",
            (LedgerTransactionKind.PaymentReversed, true) => "Rejet de règlement",
            (LedgerTransactionKind.PaymentReversed, false) => "Payment reversed",
            (LedgerTransactionKind.DisputeWon, true) => "Litige gagné",
            (LedgerTransactionKind.DisputeWon, false) => "Dispute won",
            (LedgerTransactionKind.WriteOff, true) => "Avoir - créance passée en perte",
            (LedgerTransactionKind.WriteOff, false) => "Credit note - written off",
            (LedgerTransactionKind.RefundFailed, true) => "Remboursement rejeté - avoir client",
            (LedgerTransactionKind.RefundFailed, false) => "Refund failed - kept as credit",
        };
        var parts = new List<string> { what.Trim() };
        if (invoices.Count > 0)
            parts.Add(string.Join(", ", invoices.Take(3)) + (invoices.Count > 3 ? "…" : ""));
        if (!string.IsNullOrWhiteSpace(client))
            parts.Add(client.Trim());
        return string.Join(" ", parts);
    }

    private static string Method(PaymentMethod? method, bool french) => (method, french) switch
    {
        (PaymentMethod.Card, true) => "carte",
        (PaymentMethod.Card, false) => "by card",
        (PaymentMethod.DirectDebit, true) => "prélèvement",
        (PaymentMethod.DirectDebit, false) => "by direct debit",
        (PaymentMethod.BankTransfer, true) => "virement",
        (PaymentMethod.BankTransfer, false) => "by transfer",
        (PaymentMethod.Cheque, true) => "chèque",
        (PaymentMethod.Cheque, false) => "by cheque",
        (PaymentMethod.Cash, true) => "espèces",
        (PaymentMethod.Cash, false) => "in cash",
        (_, true) => "",
        (_, false) => "",
    };
}
