using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain.Firms;
using Portal.Domain.Payments;

namespace Portal.DirectDebit;

/// <summary>
/// The firm's direct-debit defaults: offered at all (each invoice can still narrow it), collected automatically on due
/// dates, and failed automatic collections retried (<see cref="DirectDebitRetryPolicy"/>).
/// </summary>
public sealed class DirectDebitSettings(IDbContextFactory<PortalDbContext> dbFactory, AuditRecorder audit)
{
    public async Task<(bool Allowed, bool AutoCollect)> ReadAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        return (firm.Policy.MethodsAllowed.HasFlag(PaymentMethods.DirectDebit), firm.Policy.AutoCollectDirectDebitOnDueDate);
    }

    public async Task SaveAsync(bool allowed, bool autoCollect, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        var policy = firm.Policy;
        policy.MethodsAllowed = allowed ? policy.MethodsAllowed | PaymentMethods.DirectDebit : policy.MethodsAllowed & ~PaymentMethods.DirectDebit;
        // Collecting automatically is meaningless where direct debit is not offered.
        policy.AutoCollectDirectDebitOnDueDate = allowed && autoCollect;
        firm.ChangePolicy(policy);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<DirectDebitRetryPolicy> ReadRetriesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        return firm.Policy.DirectDebitRetries();
    }

    /// <summary>"3, 7" retries 3 days after a first failure and 7 after a second; an empty text turns retries off.</summary>
    public async Task SaveRetriesAsync(string? days, bool waitForPayday, CancellationToken cancellationToken = default)
    {
        var retries = DirectDebitRetryPolicy.Parse(days, waitForPayday);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        var policy = firm.Policy;
        var before = Describe(policy.DirectDebitRetries());
        policy.DirectDebitRetryDays = retries.DaysText;
        policy.DirectDebitRetryWaitsForPayday = retries.WaitForPayday;
        firm.ChangePolicy(policy);
        audit.Record(db, "Direct-debit retries changed", "Firm", firm.Id, before, Describe(retries));
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Describe(DirectDebitRetryPolicy retries) =>
        retries.IsOn ? $"retry after {retries.DaysText} days{(retries.WaitForPayday ? ", waiting for payday" : "")}" : "no retries";
}
