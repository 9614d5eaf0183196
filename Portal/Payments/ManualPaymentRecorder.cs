using System.Globalization;
using Portal.Deposits;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Notifications;

namespace Portal.Payments;

/// <summary>
/// A transfer, cheque or cash payment staff received. <paramref name="Allocations"/> null spreads it over the
/// client's open invoices, oldest due first. Money beyond what is due lands in the client's credit only when
/// <paramref name="SurplusToCredit"/> says so (an overpayment or prepayment kept on purpose); otherwise it is refused.
/// </summary>
public sealed record ManualPaymentRequest(
    Guid ClientAccountId, PaymentMethod Method, Money Amount, IReadOnlyList<InvoiceAmount>? Allocations, bool SurplusToCredit,
    string? Reference, string IdempotencyKey, DateTimeOffset? ReceivedAt = null);

/// <summary>Staff record money received by hand: bank +X · receivable −A · wallet −W, audited.</summary>
public sealed class ManualPaymentRecorder(LedgerWriter writer, PaymentNotices notices)
{
    /// <summary>The audit action of a recording; its time is when staff entered the payment.</summary>
    public const string RecordedAction = "Manual payment recorded";

    /// <summary>Records the payment and applies it to invoices and credit at once; returns the payment id. Replaying the key returns the first payment.</summary>
    public Task<MoneyResult> RecordAsync(ManualPaymentRequest request, CancellationToken cancellationToken = default) =>
        writer.RunAsync(new MoneyOperation("manual-payment", request.IdempotencyKey, Fingerprint(request)), async work =>
        {
            if (!request.Amount.IsPositive)
                throw new DomainException("A payment must be for more than zero.");
            var client = await work.ClientAsync(request.ClientAccountId);
            var plan = await PlanAsync(work, request);
            var surplus = plan.ToWallet;
            if (surplus.IsPositive && !request.SurplusToCredit)
                throw new DomainException($"{request.Amount} is {surplus} more than is due on the invoices chosen. Record it as a prepayment or overpayment to keep the rest as credit.");
            if (surplus.IsPositive && plan.ToInvoices.Count == 0 && !(await work.FirmAsync()).Policy.PrepaymentsAllowed)
                throw new DomainException("This firm does not take prepayments.");
            var wallet = await work.WalletAsync(client, request.Amount.Currency);
            var creditBefore = wallet.Balance;
            var booked = ManualPayments.Record(client, request.Method, plan, wallet, request.Reference, work.IdempotencyKey, request.ReceivedAt ?? work.Now);
            work.Insert(booked.Payment);
            work.Post(booked.Transaction);
            // Money kept as credit is received before it is invoiced: its deposit invoice is issued with it (decision 0027).
            // A payment recorded wholly as credit was meant as a prepayment; a surplus beside invoices is an overpayment.
            await DepositInvoicing.IssueAsync(work, booked.Payment, plan.ToInvoices.Count == 0 ? plan.ToWallet : Money.Zero(request.Amount.Currency), booked.Transaction);
            // Money received by hand is confirmed money too: the client gets a receipt, staff their notice.
            await notices.ConfirmedAsync(work, booked.Payment, wallet);
            work.Audit(RecordedAction, "Payment", booked.Payment.Id, $"credit {creditBefore}",
                $"{request.Method} {request.Amount}: {string.Join(", ", plan.ToInvoices.Select(p => $"{p.Invoice.Number} {p.Amount}"))}; credit {wallet.Balance}");
            return booked.Payment.Id;
        }, cancellationToken);

    private static async Task<AllocationPlan> PlanAsync(MoneyWork work, ManualPaymentRequest request)
    {
        if (request.Allocations is null)
        {
            var open = await work.OpenInvoicesAsync(request.ClientAccountId, request.Amount.Currency);
            return AllocationPlan.OldestDueFirst(request.Amount, open);
        }
        var invoices = await work.InvoicesOfAsync(request.ClientAccountId, request.Allocations.Select(a => a.InvoiceId).ToArray());
        var parts = request.Allocations.Select(a => new InvoicePayment(invoices.Single(i => i.Id == a.InvoiceId), a.Amount)).ToArray();
        var allocated = parts.Select(p => p.Amount).Sum(request.Amount.Currency);
        if (allocated > request.Amount)
            throw new DomainException($"The amounts put on invoices ({allocated}) are more than the {request.Amount} received.");
        return AllocationPlan.Explicit(parts, request.Amount - allocated);
    }

    private static string Fingerprint(ManualPaymentRequest request) =>
        OperationFingerprint.Of("manual-payment", request.ClientAccountId, request.Method, request.Amount, request.Allocations?.ToArray(),
            request.SurplusToCredit, request.Reference?.Trim(), request.ReceivedAt?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
}
