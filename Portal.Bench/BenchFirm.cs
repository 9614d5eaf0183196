using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Account;
using Portal.Audit;
using Portal.Data;
using Portal.Demo;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Invoices;
using Portal.Tenancy;

namespace Portal.Bench;

/// <summary>A client of the bench firm with two issued invoices large enough to take payments for the whole run.</summary>
internal sealed record BenchClient(Guid Id, Guid FirstInvoice, Guid SecondInvoice);

/// <summary>A client with a contact who can sign in to the portal (password <see cref="DemoData.Password"/>).</summary>
internal sealed record BenchContact(BenchClient Client, string Email);

/// <summary>
/// The firm both benchmarks work for, set up through the app's own services (as staff would), and the checks that
/// make a run's figure mean something.
/// </summary>
internal static class BenchFirm
{
    public static async Task<Guid> CreateAsync(IServiceProvider services, string key)
    {
        var firm = new Firm(key, "Bench & Co", Currency.EUR, DateTimeOffset.UtcNow);
        await using var db = OpenDb(services, null);
        db.Firms.Add(firm);
        await db.SaveChangesAsync();
        return firm.Id;
    }

    public static async Task<BenchClient> AClientAsync(IServiceProvider services, Guid firmId, int index, string? contactEmail = null)
    {
        var client = new ClientAccount(firmId, $"Client {index}", $"client{index}@bench.example", Currency.EUR, DateTimeOffset.UtcNow);
        if (contactEmail is not null)
            client.AddContact($"Contact {index}", contactEmail);
        await using (var db = OpenDb(services, firmId))
        {
            db.ClientAccounts.Add(client);
            await db.SaveChangesAsync();
        }
        var invoices = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            await using var scope = StaffScope(services, firmId);
            var invoicing = scope.ServiceProvider.GetRequiredService<Invoicing>();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var id = await invoicing.CreateDraftAsync(new InvoiceDraft(client.Id, "EUR", today, today.AddDays(30), null, null, PaymentMethods.All,
                [new InvoiceLineInput("Retainer", 1, 100_000_000_00, 0)]));
            await invoicing.IssueAsync(id);
            invoices.Add(id);
        }
        return new BenchClient(client.Id, invoices[0], invoices[1]);
    }

    /// <summary>A client whose contact has a portal login, made as staff would invite them, without the email round trip.</summary>
    public static async Task<BenchContact> AClientWithLoginAsync(IServiceProvider services, Guid firmId, int index)
    {
        var email = $"contact{index}@bench.example";
        var client = await AClientAsync(services, firmId, index, email);
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = $"Contact {index}", FirmId = firmId, ClientAccountId = client.Id };
        var created = await users.CreateAsync(user, DemoData.Password);
        if (!created.Succeeded)
            throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, Roles.Client);
        await using var db = OpenDb(services, firmId);
        (await db.Contacts.SingleAsync(c => c.Email == email)).LinkUser(user.Id);
        await db.SaveChangesAsync();
        return new BenchContact(client, email);
    }

    /// <summary>A DI scope acting for the firm as one of its staff, as a request would be.</summary>
    public static AsyncServiceScope StaffScope(IServiceProvider services, Guid firmId)
    {
        var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firmId);
        scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAs(new AuditActor("bench-staff", "Bench staff", IsStaff: true));
        return scope;
    }

    /// <summary>A context acting for the firm, or with no tenant at all (use IgnoreQueryFilters).</summary>
    public static PortalDbContext OpenDb(IServiceProvider services, Guid? firmId)
    {
        var tenant = new TenantContext(new HttpContextAccessor(), services);
        if (firmId is { } id)
            tenant.ActFor(id);
        return services.GetRequiredService<PortalDatabase>().Open(tenant);
    }

    /// <summary>The run must leave balanced books, or its figure means nothing.</summary>
    public static async Task CheckBooksAsync(IServiceProvider services, Guid firmId)
    {
        await using var db = OpenDb(services, firmId);
        var unbalanced = await db.Postings.GroupBy(p => p.TransactionId).Where(g => g.Sum(p => p.AmountMinor) != 0).CountAsync();
        var walletPostings = -await db.Postings.Where(p => p.AccountKind == LedgerAccountKind.Wallet).SumAsync(p => p.AmountMinor);
        var walletBalances = await db.Wallets.SumAsync(w => w.BalanceMinor);
        if (unbalanced != 0 || walletPostings != walletBalances)
            throw new InvalidOperationException($"Books inconsistent after the run: {unbalanced} unbalanced transactions, wallets {walletBalances} vs postings {walletPostings}.");
    }
}
