using Microsoft.EntityFrameworkCore;
using Portal.Api;
using Portal.Data;
using Portal.Domain.ApiKeys;

namespace Portal.Wallets.Api;

public sealed record ApiWalletBalance(ApiMoney Credit, bool NeedsAttention);

public sealed record ApiWallet(Guid ClientId, IReadOnlyList<ApiWalletBalance> Balances)
{
    public string Object => "wallet";
}

/// <summary><c>/api/v1/clients/{id}/wallet</c>: the client's credit per currency, read by <see cref="WalletBalances"/> as on the pages.</summary>
public static class WalletsApi
{
    public static void MapWalletsApi(this RouteGroupBuilder api) =>
        api.MapGet("/clients/{id:guid}/wallet", GetAsync).WithTags("Wallets").ForResource(ApiResources.Wallets).WithName("GetClientWallet")
            .WithSummary("Get a client's credit balance in each currency it has credit in; needs_attention means a reversal took back spent credit.")
            .WithDescription("The client's credit (prepayments, overpayments, refunds kept as credit) per currency. A balance with `needs_attention` went below zero when a payment whose credit was already spent was reversed; it cannot be used until staff settle it.")
            .Returns<ApiWallet>().Fails(StatusCodes.Status404NotFound);

    private static async Task<IResult> GetAsync(Guid id, WalletBalances balances, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            if (!await db.ClientAccounts.AnyAsync(c => c.Id == id, cancellationToken))
                return ApiProblems.NotFound("client");
        var wallets = await balances.ForClientAsync(id, cancellationToken);
        return ApiJson.Ok(new ApiWallet(id, wallets.Select(w => new ApiWalletBalance(ApiMoney.From(w.Credit), w.NeedsAttention)).ToList()));
    }
}
