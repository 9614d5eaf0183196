using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;

namespace Portal.Deposits;

/// <summary>
/// Deposit invoices (factures d'acompte, docs/decisions/0027): the firm's setting, and the deposit invoice issued in the
/// same database transaction as the money landing in a client's credit, so it exists exactly when the credit does.
/// </summary>
public sealed class DepositInvoicing(IDbContextFactory<PortalDbContext> dbFactory, AuditRecorder audit)
{
    public const string SettingsChangedAction = "Deposit invoice settings changed";

    /// <summary>The firm's setting, or its default when the owner never chose (on for prepayments for a French firm).</summary>
    public async Task<DepositInvoiceSettings> SettingsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await SettingsAsync(db, cancellationToken);
    }

    /// <summary>Owners choose when deposit invoices are issued and their VAT rate. Audited; a bad rate changes nothing.</summary>
    public async Task SaveSettingsAsync(DepositInvoiceMode mode, int vatRateBasisPoints, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Sign in to a firm to change its settings.");
        var settings = await db.DepositInvoiceSettings.SingleOrDefaultAsync(cancellationToken);
        if (settings is null)
        {
            settings = DepositInvoiceSettings.Default(firmId, await IsFrenchAsync(db, cancellationToken));
            db.DepositInvoiceSettings.Add(settings);
        }
        var before = $"{settings.Mode} {settings.VatRateBasisPoints}";
        settings.Change(mode, vatRateBasisPoints);
        audit.Record(db, SettingsChangedAction, "DepositInvoiceSettings", firmId, before, $"{settings.Mode} {settings.VatRateBasisPoints}");
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Issues the deposit invoice for a payment that has just succeeded in <paramref name="work"/>, when the firm's
    /// setting covers the money it put in credit. Nothing when it covers none, or when this payment already has one (a
    /// dispute won lands the same money again; it was invoiced the first time).
    /// </summary>
    /// <param name="meantAsPrepayment">What the payment was meant to put in credit before any invoice was paid: its prepayment.</param>
    /// <param name="landed">The ledger transaction that put the money in credit: the deposit invoice is dated by it.</param>
    public static async Task<DepositInvoice?> IssueAsync(MoneyWork work, Payment payment, Money meantAsPrepayment, LedgerTransaction landed)
    {
        var inCredit = payment.ToWallet;
        if (payment.Status != PaymentStatus.Succeeded || !inCredit.IsPositive)
            return null;
        var settings = await SettingsAsync(work.Db, CancellationToken.None);
        var covered = settings.Covered(meantAsPrepayment, inCredit);
        if (!covered.IsPositive || await work.Db.DepositInvoices.AnyAsync(d => d.PaymentId == payment.Id))
            return null;
        var sequence = await DepositInvoiceNumbers.LockedSequenceAsync(work.Db, work.FirmId);
        var deposit = DepositInvoice.Issue(payment, covered, settings.VatRateBasisPoints, sequence, landed.Id, landed.OccurredAt, await work.CalendarAsync());
        work.Insert(deposit);
        return deposit;
    }

    /// <summary>
    /// Credit of <paramref name="used"/> just paid <paramref name="invoice"/> in <paramref name="work"/>: the client's
    /// deposits with something left are consumed, oldest first, and each part is recorded against the invoice.
    /// </summary>
    public static async Task DeductAsync(MoneyWork work, Invoice invoice, Money used, Guid creditPaymentId, LedgerTransaction applied)
    {
        var deposits = await work.Db.DepositInvoices
            .Where(d => d.ClientAccountId == invoice.ClientAccountId && d.Currency == used.Currency && d.ConsumedMinor < d.TotalMinor).ToListAsync();
        foreach (var deduction in DepositInvoice.DeductFrom(deposits, invoice, used, creditPaymentId, applied.Id, applied.OccurredAt))
            work.Insert(deduction);
    }

    /// <summary>
    /// Unused credit a payment brought was refunded: its own deposit invoice, if it has one, no longer stands for money
    /// held in credit, so later uses of credit do not deduct it. Returns the part taken, with its net and tax.
    /// </summary>
    public static async Task<(DepositInvoice Deposit, Money Total, Money Net, Money Tax)?> RefundedAsync(MoneyWork work, Payment payment, Money refundedFromCredit)
    {
        if (!refundedFromCredit.IsPositive)
            return null;
        var deposit = await work.Db.DepositInvoices.SingleOrDefaultAsync(d => d.PaymentId == payment.Id);
        if (deposit is null || !deposit.Remaining.IsPositive)
            return null;
        var taken = Money.Min(refundedFromCredit, deposit.Remaining);
        var (net, tax) = deposit.Consume(taken);
        return (deposit, taken, net, tax);
    }

    /// <summary>
    /// A refund of the payment failed and <paramref name="cameBack"/> is in the client's credit again: what that refund had
    /// taken of the payment's deposit invoice (what left it other than by deductions on invoices) stands as a deposit again,
    /// so the credit is deducted from it when used.
    /// </summary>
    public static async Task RefundFailedAsync(MoneyWork work, Payment payment, Money cameBack)
    {
        var deposit = await work.Db.DepositInvoices.SingleOrDefaultAsync(d => d.PaymentId == payment.Id);
        if (deposit is null)
            return;
        var deducted = await work.Db.DepositDeductions.Where(d => d.DepositInvoiceId == deposit.Id).SumAsync(d => d.TotalMinor);
        var refunded = new Money(deposit.ConsumedMinor - deducted, deposit.Currency);
        var restored = Money.Min(cameBack, refunded);
        if (restored.IsPositive)
            deposit.Restore(restored);
    }

    /// <summary>A client's deposit invoices, newest first; through the tenant, so a contact sees only its own.</summary>
    public async Task<IReadOnlyList<DepositInvoice>> OfClientAsync(Guid clientAccountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DepositInvoices.AsNoTracking().Where(d => d.ClientAccountId == clientAccountId)
            .OrderByDescending(d => d.IssuedAt).ThenByDescending(d => d.Number).ToListAsync(cancellationToken);
    }

    private static async Task<DepositInvoiceSettings> SettingsAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Sign in to a firm to read its settings.");
        return await db.DepositInvoiceSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken)
            ?? DepositInvoiceSettings.Default(firmId, await IsFrenchAsync(db, cancellationToken));
    }

    private static Task<bool> IsFrenchAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        db.Firms.AnyAsync(f => f.Siren != null, cancellationToken);
}
