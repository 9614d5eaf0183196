using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Wallets;

namespace Portal.Tests.Fixture;

/// <summary>Everything a money operation may change, to show that a refused one changed nothing.</summary>
public sealed record MoneySnapshot(int Payments, int LedgerTransactions, int Postings, int Requests, int AuditEntries, string Invoices, string Wallets);

/// <summary>Reads the stored ledger and balances of a firm the way an accountant would check them.</summary>
public static class MoneyChecks
{
    /// <summary>
    /// Checks the firm's books: every transaction balances, each invoice's amount due equals the sum of its
    /// receivable postings, each wallet's balance equals minus the sum of its postings. Returns the ledger.
    /// </summary>
    public static async Task<LedgerView> LedgerShouldBeConsistentAsync(this PortalApp app, TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        var transactions = await db.LedgerTransactions.Include(t => t.Postings).ToListAsync();
        foreach (var transaction in transactions)
            foreach (var currency in transaction.Postings.GroupBy(p => p.Currency))
                currency.Sum(p => p.AmountMinor).ShouldBe(0, $"{transaction} must balance");
        var ledger = new LedgerView(transactions);
        foreach (var invoice in await db.Invoices.Where(i => i.Status != InvoiceStatus.Draft).ToListAsync())
            ledger.AmountDue(invoice.Id, invoice.Currency).ShouldBe(invoice.AmountDue, $"amount due on {invoice.Number}");
        foreach (var wallet in await db.Wallets.ToListAsync())
            ledger.WalletCredit(wallet.ClientAccountId, wallet.Currency).ShouldBe(wallet.Balance, "credit balance");
        return ledger;
    }

    public static async Task<MoneySnapshot> MoneySnapshotAsync(this PortalApp app, TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        var invoices = await db.Invoices.OrderBy(i => i.Id).Select(i => $"{i.Id}:{i.Status}:{i.PaidMinor}:{i.PendingMinor}:{i.CreditedMinor}").ToListAsync();
        var wallets = await db.Wallets.OrderBy(w => w.Id).Select(w => $"{w.Id}:{w.BalanceMinor}:{w.NeedsAttention}").ToListAsync();
        return new MoneySnapshot(await db.Payments.CountAsync(), await db.LedgerTransactions.CountAsync(), await db.Postings.CountAsync(),
            await db.IdempotentRequests.CountAsync(), await db.AuditEntries.CountAsync(), string.Join("|", invoices), string.Join("|", wallets));
    }

    public static async Task<Invoice> InvoiceAsync(this PortalApp app, TestFirm firm, Guid invoiceId)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.Invoices.SingleAsync(i => i.Id == invoiceId);
    }

    public static async Task<Wallet?> WalletAsync(this PortalApp app, TestClient client)
    {
        await using var db = app.OpenDb(client.Firm.Id);
        return await db.Wallets.SingleOrDefaultAsync(w => w.ClientAccountId == client.Id && w.Currency == client.Currency);
    }

    public static async Task<Money> CreditOfAsync(this PortalApp app, TestClient client) =>
        (await app.WalletAsync(client))?.Balance ?? Money.Zero(client.Currency);

    /// <summary>Amounts in the client's currency, in minor units: <c>client.Amount(120_00)</c>.</summary>
    public static Money Amount(this TestClient client, long minor) => new(minor, client.Currency);

    public static string NewKey() => Guid.NewGuid().ToString("N");
}
