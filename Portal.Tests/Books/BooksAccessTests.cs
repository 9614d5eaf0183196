using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Domain.Books;
using Portal.Tests.Fixture;

namespace Portal.Tests.Books;

public sealed class BooksAccessTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private string ThisMonth => AccountingPeriod.Of(app.Today).ToString();

    [Fact]
    public async Task An_accountant_reads_the_books_and_downloads_exports_but_reaches_nothing_that_changes_data()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var accountant = await app.AUserAsync($"accountant@{firm.Key}.test", "Alex Accountant", Roles.Accountant, firm.Id, null);
        using var session = await app.SignInAsync(accountant);

        foreach (var page in new[] { "/books", "/books/aged", "/books/exports", "/books/accounts/411" })
            (await session.GetPageAsync(page)).Status.ShouldBe(HttpStatusCode.OK, page);
        var fec = await session.GetAsync($"/books/exports/fec?from={ThisMonth}&to={ThisMonth}&siren=732829320");
        fec.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fec.Content.ReadAsStringAsync()).ShouldContain(invoice.Number!);
        (await session.GetAsync($"/books/exports/csv?from={ThisMonth}&layout=ebp")).StatusCode.ShouldBe(HttpStatusCode.OK);

        foreach (var page in new[] { "/staff", "/staff/clients", $"/staff/clients/{client.Id}", "/staff/invoices", $"/staff/invoices/{invoice.Id}",
                     "/staff/integrations", "/staff/team", "/staff/settings", "/staff/settings/payments", "/books/settings" })
        {
            var response = await session.GetAsync(page);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, page);
            response.Headers.Location!.ToString().ShouldContain("Account/AccessDenied", Case.Sensitive, page);
        }
    }

    [Fact]
    public async Task Staff_clients_and_strangers_get_no_export()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var path = $"/books/exports/fec?from={ThisMonth}&to={ThisMonth}&siren=732829320";

        foreach (var login in new[] { firm.Staff, client.Contact })
        {
            using var session = await app.SignInAsync(login);
            var response = await session.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, login.Email);
            response.Headers.Location!.ToString().ShouldContain("Account/AccessDenied", Case.Sensitive, login.Email);
        }
        using var anonymous = app.AnonymousSession();
        var stranger = await anonymous.GetAsync(path);
        stranger.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        stranger.Headers.Location!.ToString().ShouldContain("Account/Login");
    }

    [Fact]
    public async Task An_owner_sees_only_the_own_firms_entries()
    {
        var other = await app.AFirmAsync();
        var otherClient = await app.AClientAsync(other, name: "Secret Other Ltd");
        await app.AnInvoice(otherClient).WithLine("Secret work", 1, 999_00).IssuedAsync();
        Guid otherTransaction;
        await using (var db = app.OpenDb(other.Id))
            otherTransaction = await db.LedgerTransactions.Select(t => t.Id).SingleAsync();
        var (firm, _) = await app.AFirmWithAClientAsync();
        using var owner = await app.SignInAsync(firm.Owner);

        var (status, html) = await owner.GetPageAsync($"/books/transactions/{otherTransaction}");
        status.ShouldBe(HttpStatusCode.NotFound);
        html.ShouldNotContain("Secret Other Ltd");
        var fec = await (await owner.GetAsync($"/books/exports/fec?from={ThisMonth}&to={ThisMonth}&siren=732829320")).Content.ReadAsStringAsync();
        fec.ShouldNotContain("Secret Other Ltd");
        fec.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1, "only the header: this firm posted nothing");
    }
}
