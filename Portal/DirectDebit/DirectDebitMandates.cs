using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.GoCardless;
using Portal.Tenancy;

namespace Portal.DirectDebit;

/// <summary>The current firm's stored mandates: recording a new one, following GoCardless's changes, finding the one to charge.</summary>
public sealed class DirectDebitMandates(IDbContextFactory<PortalDbContext> dbFactory, TenantContext tenant, TimeProvider clock)
{
    /// <summary>The client's mandate to charge in <paramref name="currency"/>, newest first, or null.</summary>
    public async Task<DirectDebitMandate?> UsableAsync(Guid clientAccountId, Currency currency, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var candidates = await db.DirectDebitMandates.AsNoTracking()
            .Where(m => m.ClientAccountId == clientAccountId && m.Currency == currency).ToListAsync(cancellationToken);
        return candidates.Where(m => m.IsUsable).OrderByDescending(m => m.CreatedAt).FirstOrDefault();
    }

    public async Task<IReadOnlyList<DirectDebitMandate>> OfClientAsync(Guid clientAccountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mandates = await db.DirectDebitMandates.AsNoTracking().Where(m => m.ClientAccountId == clientAccountId).ToListAsync(cancellationToken);
        return [.. mandates.OrderByDescending(m => m.CreatedAt)];
    }

    /// <summary>
    /// Records a mandate GoCardless created for the client (idempotent on the mandate id). Keeps one usable mandate per
    /// client and currency: an older usable one is marked as replaced by cancelling it here, not at GoCardless.
    /// </summary>
    public async Task<DirectDebitMandate> StoreAsync(Guid clientAccountId, MandateSummary summary, CancellationToken cancellationToken = default)
    {
        var firmId = tenant.FirmId ?? throw new DomainException("A mandate belongs to a firm.");
        var currency = summary.Currency ?? throw new DomainException($"Mandate {summary.MandateId} has a scheme Portal cannot collect in.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.DirectDebitMandates.SingleOrDefaultAsync(m => m.MandateId == summary.MandateId, cancellationToken);
        if (existing is not null)
        {
            existing.Update(StatusOf(summary.Status), summary.NextPossibleChargeDate, clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            return existing;
        }
        if (!await db.ClientAccounts.AnyAsync(c => c.Id == clientAccountId, cancellationToken))
            throw new NotFoundException("client account");
        var mandate = new DirectDebitMandate(firmId, clientAccountId, summary.MandateId, summary.CustomerId, GoCardlessQuery.Name(summary.Scheme), currency, clock.GetUtcNow());
        mandate.Describe(summary.BankName, summary.AccountNumberEnding, summary.Reference);
        mandate.Update(StatusOf(summary.Status), summary.NextPossibleChargeDate, clock.GetUtcNow());
        var older = await db.DirectDebitMandates.Where(m => m.ClientAccountId == clientAccountId && m.Currency == currency).ToListAsync(cancellationToken);
        foreach (var previous in older.Where(m => m.IsUsable))
            previous.Update(MandateStatus.Cancelled, null, clock.GetUtcNow());
        db.DirectDebitMandates.Add(mandate);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The webhook and the payer's return raced to store the same mandate: the other one won.
            await using var again = await dbFactory.CreateDbContextAsync(cancellationToken);
            var stored = await again.DirectDebitMandates.AsNoTracking().SingleOrDefaultAsync(m => m.MandateId == summary.MandateId, cancellationToken);
            if (stored is null)
                throw;
            return stored;
        }
        return mandate;
    }

    /// <summary>Follows GoCardless's view of a stored mandate; false when it is not one of this firm's.</summary>
    public async Task<bool> UpdateAsync(GoCardlessMandate current, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mandate = await db.DirectDebitMandates.SingleOrDefaultAsync(m => m.MandateId == current.Id, cancellationToken);
        if (mandate is null)
            return false;
        mandate.Update(StatusOf(current.Status), current.NextPossibleChargeDate, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<DirectDebitMandate?> FindAsync(string mandateId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DirectDebitMandates.AsNoTracking().SingleOrDefaultAsync(m => m.MandateId == mandateId, cancellationToken);
    }

    public static MandateStatus StatusOf(GoCardlessMandateStatus status) => status switch
    {
        GoCardlessMandateStatus.PendingCustomerApproval => MandateStatus.PendingCustomerApproval,
        GoCardlessMandateStatus.PendingSubmission => MandateStatus.PendingSubmission,
        GoCardlessMandateStatus.Submitted => MandateStatus.Submitted,
        GoCardlessMandateStatus.Active => MandateStatus.Active,
        GoCardlessMandateStatus.SuspendedByPayer => MandateStatus.SuspendedByPayer,
        GoCardlessMandateStatus.Failed => MandateStatus.Failed,
        GoCardlessMandateStatus.Cancelled => MandateStatus.Cancelled,
        GoCardlessMandateStatus.Expired => MandateStatus.Expired,
        GoCardlessMandateStatus.Consumed => MandateStatus.Consumed,
        GoCardlessMandateStatus.Blocked => MandateStatus.Blocked,
        GoCardlessMandateStatus.Unknown => MandateStatus.Unknown,
    };
}
