using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Firms;

namespace Portal.DirectDebit;

/// <summary>The firm's direct-debit defaults: offered at all (each invoice can still narrow it), and collected automatically on due dates.</summary>
public sealed class DirectDebitSettings(IDbContextFactory<PortalDbContext> dbFactory)
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
}
