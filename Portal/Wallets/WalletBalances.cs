using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;

namespace Portal.Wallets;

/// <summary>A client's credit in one currency. <paramref name="NeedsAttention"/>: a reversal took back spent credit; it cannot be used until settled.</summary>
public sealed record WalletBalance(Guid ClientAccountId, string ClientName, Money Credit, bool NeedsAttention);

/// <summary>Credit balances for pages: a client's own, and the flagged ones staff must look at.</summary>
public sealed class WalletBalances(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>The client's credit in each currency it has a wallet in (a contact sees only its own account).</summary>
    public Task<IReadOnlyList<WalletBalance>> ForClientAsync(Guid clientAccountId, CancellationToken cancellationToken = default) =>
        QueryAsync(clientAccountId, onlyFlagged: false, cancellationToken);

    /// <summary>Wallets left below zero by a reversal, for staff to settle.</summary>
    public Task<IReadOnlyList<WalletBalance>> NeedingAttentionAsync(CancellationToken cancellationToken = default) =>
        QueryAsync(null, onlyFlagged: true, cancellationToken);

    private async Task<IReadOnlyList<WalletBalance>> QueryAsync(Guid? clientAccountId, bool onlyFlagged, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await (
            from wallet in db.Wallets
            join client in db.ClientAccounts on wallet.ClientAccountId equals client.Id
            where (clientAccountId == null || wallet.ClientAccountId == clientAccountId) && (!onlyFlagged || wallet.NeedsAttention)
            select new { wallet.ClientAccountId, client.Name, wallet.BalanceMinor, wallet.Currency, wallet.NeedsAttention })
            .ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.Name, StringComparer.CurrentCulture).ThenBy(r => r.Currency.Code, StringComparer.Ordinal)
            .Select(r => new WalletBalance(r.ClientAccountId, r.Name, new Money(r.BalanceMinor, r.Currency), r.NeedsAttention)).ToArray();
    }
}
