using System.Net;
using System.Text.RegularExpressions;
using Portal.Clients;
using Portal.Data;
using Portal.Tests.Fixture;

namespace Portal.Tests.Clients;

/// <summary>The staff client list: paged, sorted and filtered in SQL, with what each client owes and its credit.</summary>
public sealed partial class ClientListTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private Task<ListPage<ClientListRow>> ListAsync(TestFirm firm, ClientListRequest request) =>
        app.AsStaffOfAsync<ClientListQuery, ListPage<ClientListRow>>(firm, q => q.RunAsync(request));

    [Fact]
    public async Task Balance_due_and_credit_filters_keep_the_right_clients_with_their_amounts()
    {
        var other = await app.AFirmAsync();
        var stranger = await app.AClientAsync(other, name: "Owing Elsewhere");
        await app.AnInvoice(stranger).WithLine("Audit", 1, 999_00).IssuedAsync();
        var firm = await app.AFirmAsync();
        var owing = await app.AClientAsync(firm, name: "Owing Ltd");
        var inCredit = await app.AClientAsync(firm, name: "Credit Co");
        var settled = await app.AClientAsync(firm, name: "Settled SA");
        await app.AnInvoice(owing).WithLine("Audit", 1, 300_00).IssuedAsync();
        var partly = await app.AnInvoice(owing).WithLine("Payroll", 1, 100_00).IssuedAsync();
        await app.PayByTransferAsync(owing, partly.Id, 40_00);
        await app.AnInvoice(owing).WithLine("Draft work", 1, 1_000_00).DraftAsync();
        await app.GiveCreditAsync(inCredit, 75_00);
        var paid = await app.AnInvoice(settled).WithLine("Filing", 1, 20_00).IssuedAsync();
        await app.PayByTransferAsync(settled, paid.Id, 20_00);

        var all = await ListAsync(firm, new());
        var due = await ListAsync(firm, new() { HasBalanceDue = true });
        var credit = await ListAsync(firm, new() { HasCredit = true });

        all.Rows.Select(r => r.Name).ShouldBe(["Credit Co", "Owing Ltd", "Settled SA"]);
        due.Rows.Select(r => (r.Name, r.DueMinor)).ShouldBe([("Owing Ltd", 360_00L)]);
        credit.Rows.Select(r => (r.Name, r.CreditMinor)).ShouldBe([("Credit Co", 75_00L)]);
        (await ListAsync(firm, new() { HasBalanceDue = true, HasCredit = true })).Total.ShouldBe(0);
    }

    [Fact]
    public async Task Search_sort_and_pages_cover_every_client_of_the_firm_once()
    {
        var other = await app.AFirmAsync();
        await app.AClientAsync(other, name: "Dupont Elsewhere");
        var firm = await app.AFirmAsync();
        for (var i = 0; i < 27; i++)
            await app.AClientAsync(firm, name: $"Client {i:D2}");
        var dupont = await app.AClientAsync(firm, name: "Maison Dupont");
        await app.AnInvoice(dupont).WithLine("Audit", 1, 500_00).IssuedAsync();

        var first = await ListAsync(firm, new() { PageSize = 25 });
        var second = await ListAsync(firm, new() { PageSize = 25, Page = 1 });
        var byDue = await ListAsync(firm, new() { Sort = ClientSort.AmountDue, Descending = true, PageSize = 25 });

        (first.Total, first.Rows.Count, second.Rows.Count).ShouldBe((28, 25, 3));
        first.Rows.Concat(second.Rows).Select(r => r.Name).ShouldBe(first.Rows.Concat(second.Rows).Select(r => r.Name).Order(StringComparer.Ordinal));
        first.Rows.Concat(second.Rows).Select(r => r.Id).Distinct().Count().ShouldBe(28);
        byDue.Rows[0].Name.ShouldBe("Maison Dupont");
        (await ListAsync(firm, new() { Search = "DUPONT" })).Rows.Select(r => r.Id).ShouldBe([dupont.Id]);
        // The billing email is searched too; the fixture's are billing-…@client.test.
        (await ListAsync(firm, new() { Search = "@client.TEST" })).Total.ShouldBe(28);
    }

    [Fact]
    public async Task The_page_reads_its_filters_from_the_url()
    {
        var firm = await app.AFirmAsync();
        var owing = await app.AClientAsync(firm, name: "Owing Ltd");
        await app.AClientAsync(firm, name: "Quiet Ltd");
        await app.AnInvoice(owing).WithLine("Audit", 1, 300_00).IssuedAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        var (status, html) = await staff.GetPageAsync("/staff/clients?due=true");

        status.ShouldBe(HttpStatusCode.OK);
        Names(html).ShouldBe(["Owing Ltd"]);
        WebUtility.HtmlDecode(MatchCount().Match(html).Groups[1].Value).ShouldBe("1 found");
    }

    private static List<string> Names(string html) => ClientLink().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value).Trim()).ToList();

    [GeneratedRegex("data-testid=\"client-link\"[^>]*>([^<]*)<")]
    private static partial Regex ClientLink();

    [GeneratedRegex("data-testid=\"match-count\"[^>]*>([^<]*)<")]
    private static partial Regex MatchCount();
}
