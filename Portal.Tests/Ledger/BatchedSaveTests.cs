using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Wallets;
using Portal.Tests.Fixture;

namespace Portal.Tests.Ledger;

/// <summary>The hand-built save money operations use: what it writes, and how it refuses, must match SaveChanges.</summary>
public sealed class BatchedSaveTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Inserts_and_updates_are_written_with_their_converted_values()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        Guid walletId;
        await using (var db = app.OpenDb(firm.Id))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var wallet = new Wallet(await db.ClientAccounts.SingleAsync(c => c.Id == client.Id), client.Currency);
            wallet.Credit(client.Amount(50_00));
            db.Wallets.Add(wallet);
            await BatchedSave.SaveAsync(db, []);
            await transaction.CommitAsync();
            walletId = wallet.Id;
        }
        await using (var db = app.OpenDb(firm.Id))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var wallet = await db.Wallets.SingleAsync(w => w.Id == walletId);
            wallet.Spend(client.Amount(20_00));
            await BatchedSave.SaveAsync(db, []);
            await transaction.CommitAsync();
        }

        await using var check = app.OpenDb(firm.Id);
        var saved = await check.Wallets.AsNoTracking().SingleAsync(w => w.Id == walletId);
        saved.Balance.ShouldBe(client.Amount(30_00));
        saved.Currency.ShouldBe(client.Currency);
    }

    [Fact]
    public async Task An_update_based_on_a_stale_read_is_refused_as_a_concurrency_conflict_and_changes_nothing()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var walletId = await AWalletAsync(firm.Id, client);

        await using var stale = app.OpenDb(firm.Id);
        var staleWallet = await stale.Wallets.SingleAsync(w => w.Id == walletId);
        await using (var first = app.OpenDb(firm.Id))
        {
            var wallet = await first.Wallets.SingleAsync(w => w.Id == walletId);
            wallet.Spend(client.Amount(10_00));
            await first.SaveChangesAsync();
        }

        // Only now: SQLite's transaction would hold its one write lock, and the first write would wait for it.
        await using var staleTransaction = await stale.Database.BeginTransactionAsync();
        staleWallet.Spend(client.Amount(10_00));
        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => BatchedSave.SaveAsync(stale, []));
        await staleTransaction.RollbackAsync();

        await using var check = app.OpenDb(firm.Id);
        (await check.Wallets.AsNoTracking().SingleAsync(w => w.Id == walletId)).Balance.ShouldBe(client.Amount(40_00));
    }

    [Fact]
    public async Task A_duplicate_key_surfaces_as_the_same_exception_SaveChanges_throws()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await AWalletAsync(firm.Id, client);

        await using var db = app.OpenDb(firm.Id);
        await using var transaction = await db.Database.BeginTransactionAsync();
        // A second wallet in the same currency breaks the unique (firm, client, currency) index.
        db.Wallets.Add(new Wallet(await db.ClientAccounts.SingleAsync(c => c.Id == client.Id), client.Currency));
        var refused = await Should.ThrowAsync<DbUpdateException>(() => BatchedSave.SaveAsync(db, []));
        refused.InnerException.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_change_it_does_not_write_itself_goes_through_SaveChanges()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var walletId = await AWalletAsync(firm.Id, client);

        await using (var db = app.OpenDb(firm.Id))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Wallets.Remove(await db.Wallets.SingleAsync(w => w.Id == walletId));
            await BatchedSave.SaveAsync(db, []);
            await transaction.CommitAsync();
        }

        await using var check = app.OpenDb(firm.Id);
        (await check.Wallets.AnyAsync(w => w.Id == walletId)).ShouldBeFalse();
    }

    private async Task<Guid> AWalletAsync(Guid firmId, TestClient client)
    {
        await using var db = app.OpenDb(firmId);
        var wallet = new Wallet(await db.ClientAccounts.SingleAsync(c => c.Id == client.Id), client.Currency);
        wallet.Credit(client.Amount(50_00));
        db.Wallets.Add(wallet);
        await db.SaveChangesAsync();
        return wallet.Id;
    }
}
