using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Firms;

namespace Portal.Integrations;

/// <summary>The firm's default for offering card payment; each invoice can still narrow it.</summary>
public sealed class CardPaymentsSetting(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<bool> IsAllowedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        return firm.Policy.MethodsAllowed.HasFlag(PaymentMethods.Card);
    }

    public async Task SetAllowedAsync(bool allowed, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        var policy = firm.Policy;
        policy.MethodsAllowed = allowed ? policy.MethodsAllowed | PaymentMethods.Card : policy.MethodsAllowed & ~PaymentMethods.Card;
        firm.ChangePolicy(policy);
        await db.SaveChangesAsync(cancellationToken);
    }
}
