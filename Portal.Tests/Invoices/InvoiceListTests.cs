using System.Net;
using System.Text.RegularExpressions;
using Portal.Data;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Invoices;
using Portal.Tests.Fixture;

namespace Portal.Tests.Invoices;

/// <summary>The staff invoice list and the client's own, paged, sorted, filtered and searched in SQL.</summary>
public sealed partial class InvoiceListTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private Task<ListPage<InvoiceRow>> ListAsync(TestFirm firm, InvoiceListRequest request) =>
        app.AsStaffOfAsync<InvoiceListQuery, ListPage<InvoiceRow>>(firm, q => q.RunAsync(request));

    /// <summary>Another firm whose invoices and clients look like the ones searched for, so a leak would be seen.</summary>
    private async Task AnotherFirmLookingAlikeAsync()
    {
        var other = await app.AFirmAsync();
        var lookalike = await app.AClientAsync(other, name: "Maison Dupont");
        for (var i = 0; i < 3; i++)
            await app.AnInvoice(lookalike).DueInDays(i).IssuedAsync();
    }

    [Fact]
    public async Task Pages_of_the_staff_list_hold_every_invoice_of_the_firm_once_in_due_date_order()
    {
        await AnotherFirmLookingAlikeAsync();
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var made = new List<Invoice>();
        for (var days = 1; days <= 27; days++)
            made.Add(await app.AnInvoice(client).DueInDays(days).IssuedAsync());

        var first = await ListAsync(firm, new() { PageSize = 25, Sort = InvoiceSort.Due, Descending = false });
        var second = await ListAsync(firm, new() { PageSize = 25, Page = 1, Sort = InvoiceSort.Due, Descending = false });
        var beyond = await ListAsync(firm, new() { PageSize = 25, Page = 2 });

        (first.Total, second.Total, beyond.Total).ShouldBe((27, 27, 27));
        (first.Rows.Count, second.Rows.Count, beyond.Rows.Count).ShouldBe((25, 2, 0));
        first.Rows.Concat(second.Rows).Select(r => r.Id).ShouldBe(made.Select(i => i.Id));
        first.Rows[0].DueDate.ShouldBe(app.Today.AddDays(1));

        var newestFirst = await ListAsync(firm, new() { PageSize = 25 });
        newestFirst.Rows[0].Id.ShouldBe(made[^1].Id);
    }

    [Fact]
    public async Task A_page_size_other_than_25_50_or_100_is_the_default_50()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        for (var i = 0; i < 52; i++)
            await app.AnInvoice(client).DueInDays(i).DraftAsync();

        (await ListAsync(firm, new() { PageSize = 100_000 })).Rows.Count.ShouldBe(50);
        (await ListAsync(firm, new() { PageSize = 100 })).Rows.Count.ShouldBe(52);
        (await ListAsync(firm, new() { PageSize = 25, Page = -3 })).Rows.Count.ShouldBe(25);
    }

    [Fact]
    public async Task Sorting_on_client_number_and_total_orders_the_whole_list_not_only_the_page()
    {
        var firm = await app.AFirmAsync();
        var zulu = await app.AClientAsync(firm, name: "Zulu Works");
        var alpha = await app.AClientAsync(firm, name: "Alpha & Sons");
        var big = await app.AnInvoice(zulu).WithLine("Audit", 1, 9_000_00).IssuedAsync();
        var small = await app.AnInvoice(alpha).WithLine("Filing", 1, 10_00).IssuedAsync();
        var middle = await app.AnInvoice(zulu).WithLine("Payroll", 1, 500_00).IssuedAsync();

        (await ListAsync(firm, new() { Sort = InvoiceSort.Client, Descending = false })).Rows.Select(r => r.ClientName)
            .ShouldBe(["Alpha & Sons", "Zulu Works", "Zulu Works"]);
        (await ListAsync(firm, new() { Sort = InvoiceSort.Total, Descending = true })).Rows.Select(r => r.Id).ShouldBe([big.Id, middle.Id, small.Id]);
        (await ListAsync(firm, new() { Sort = InvoiceSort.Number, Descending = false })).Rows.Select(r => r.Number)
            .ShouldBe([big.Number, small.Number, middle.Number]);
        (await ListAsync(firm, new() { Sort = InvoiceSort.Number, Descending = true })).Rows[0].Id.ShouldBe(middle.Id);
    }

    [Fact]
    public async Task Filters_by_status_overdue_client_and_due_dates_count_what_they_keep()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var neighbour = await app.AClientAsync(firm);
        var overdue = await app.AnInvoice(client).IssuedDaysAgo(40).DueInDays(30).IssuedAsync();
        var paidLate = await app.AnInvoice(client).WithLine("Paid", 1, 50_00).IssuedDaysAgo(40).DueInDays(30).IssuedAsync();
        await app.PayByTransferAsync(client, paidLate.Id, 50_00);
        var dueSoon = await app.AnInvoice(neighbour).DueInDays(5).IssuedAsync();
        var draft = await app.AnInvoice(neighbour).DueInDays(60).DraftAsync();

        (await ListAsync(firm, new() { Overdue = true })).Rows.Select(r => r.Id).ShouldBe([overdue.Id]);
        (await ListAsync(firm, new() { Status = InvoiceStatus.Paid })).Rows.Select(r => r.Id).ShouldBe([paidLate.Id]);
        (await ListAsync(firm, new() { Status = InvoiceStatus.Draft })).Rows.Select(r => r.Id).ShouldBe([draft.Id]);
        var theNeighbours = await ListAsync(firm, new() { ClientId = neighbour.Id });
        (theNeighbours.Total, theNeighbours.Rows.Select(r => r.Id).ToHashSet().SetEquals([dueSoon.Id, draft.Id])).ShouldBe((2, true));
        var window = await ListAsync(firm, new() { DueFrom = app.Today, DueTo = app.Today.AddDays(5) });
        window.Rows.Select(r => r.Id).ShouldBe([dueSoon.Id]);
        (await ListAsync(firm, new() { DueFrom = app.Today.AddDays(6), DueTo = app.Today })).Total.ShouldBe(0);
    }

    [Fact]
    public async Task Search_finds_number_reference_or_client_name_whatever_the_case_and_only_in_the_firm()
    {
        await AnotherFirmLookingAlikeAsync();
        var firm = await app.AFirmAsync();
        var dupont = await app.AClientAsync(firm, name: "Maison Dupont");
        var other = await app.AClientAsync(firm, name: "Blue River Studio");
        var first = await app.AnInvoice(dupont).IssuedAsync();
        var second = await app.AnInvoice(dupont).DraftAsync();
        var withReference = await app.AsStaffOfAsync<Invoicing, Guid>(firm, s => s.CreateDraftAsync(new InvoiceDraft(
            other.Id, "EUR", app.Today, app.Today.AddDays(30), "PO-7781/Acme", null, PaymentMethods.All, [new InvoiceLineInput("Design", 1, 100_00, 0)])));
        var number = await app.AsStaffOfAsync<Invoicing, string>(firm, s => s.IssueAsync(withReference));

        var byName = await ListAsync(firm, new() { Search = "  dUPONT " });
        (byName.Total, byName.Rows.Select(r => r.Id).ToHashSet().SetEquals([first.Id, second.Id])).ShouldBe((2, true));
        (await ListAsync(firm, new() { Search = "po-7781" })).Rows.Select(r => r.Id).ShouldBe([withReference]);
        (await ListAsync(firm, new() { Search = number.ToLowerInvariant() })).Rows.Select(r => r.Id).ShouldBe([withReference]);
        // A % or _ typed is a character to find, not a wildcard that would match everything.
        (await ListAsync(firm, new() { Search = "%" })).Total.ShouldBe(0);
        (await ListAsync(firm, new() { Search = "_" })).Total.ShouldBe(0);
        (await ListAsync(firm, new() { Search = "Dupont", Status = InvoiceStatus.Draft })).Rows.Select(r => r.Id).ShouldBe([second.Id]);
    }

    [Fact]
    public async Task A_client_contact_lists_only_its_own_issued_invoices()
    {
        var firm = await app.AFirmAsync();
        var mine = await app.AClientAsync(firm, name: "Maison Dupont");
        var neighbour = await app.AClientAsync(firm, name: "Maison Dupont Voisins");
        var issued = await app.AnInvoice(mine).IssuedAsync();
        await app.AnInvoice(mine).DraftAsync();
        await app.AnInvoice(neighbour).IssuedAsync();

        var all = await app.AsClientAsync<InvoiceListQuery, ListPage<InvoiceRow>>(mine, q => q.RunAsync(new()));
        var searched = await app.AsClientAsync<InvoiceListQuery, ListPage<InvoiceRow>>(mine, q => q.RunAsync(new() { Search = "Dupont" }));
        var askedForTheNeighbour = await app.AsClientAsync<InvoiceListQuery, ListPage<InvoiceRow>>(mine, q => q.RunAsync(new() { ClientId = neighbour.Id }));

        all.Rows.Select(r => r.Id).ShouldBe([issued.Id]);
        searched.Rows.Select(r => r.Id).ShouldBe([issued.Id]);
        askedForTheNeighbour.Total.ShouldBe(0);
    }

    [Fact]
    public async Task The_staff_list_page_shows_what_its_url_asks_for_with_the_count()
    {
        await AnotherFirmLookingAlikeAsync();
        var firm = await app.AFirmAsync();
        var dupont = await app.AClientAsync(firm, name: "Maison Dupont");
        var other = await app.AClientAsync(firm, name: "Blue River Studio");
        var open = await app.AnInvoice(dupont).IssuedAsync();
        var paid = await app.AnInvoice(dupont).WithLine("Paid", 1, 20_00).IssuedAsync();
        await app.PayByTransferAsync(dupont, paid.Id, 20_00);
        var elsewhere = await app.AnInvoice(other).IssuedAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        var (status, html) = await staff.GetPageAsync("/staff/invoices?q=dupont&status=Open");
        var (_, everything) = await staff.GetPageAsync("/staff/invoices?size=100000&sort=nonsense&page=-4");

        status.ShouldBe(HttpStatusCode.OK);
        Numbers(html).ShouldBe([open.Number!]);
        MatchCount(html).ShouldBe("1 found");
        Numbers(everything).ToHashSet().SetEquals([open.Number!, paid.Number!, elsewhere.Number!]).ShouldBeTrue(everything);
    }

    [Fact]
    public async Task The_client_list_page_pages_through_the_contacts_own_invoices_in_french_too()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var neighbour = await app.AClientAsync(firm);
        for (var days = 1; days <= 26; days++)
            await app.AnInvoice(client).DueInDays(days).IssuedAsync();
        var theirs = await app.AnInvoice(neighbour).IssuedAsync();
        using var contact = await app.SignInAsync(client.Contact);

        var (_, secondPage) = await contact.GetPageAsync("/portal/invoices?size=25&page=2&sort=due&desc=false");
        contact.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("fr-FR");
        var (_, french) = await contact.GetPageAsync("/portal/invoices?size=25&page=2&sort=due&desc=false");

        Numbers(secondPage).Count.ShouldBe(1);
        MatchCount(secondPage).ShouldBe("26 found");
        secondPage.ShouldNotContain(theirs.Number!);
        MatchCount(french).ShouldBe("26 trouvé(s)");
        french.ShouldContain("Page 2 sur 2");
    }

    private static List<string> Numbers(string html) =>
        InvoiceLink().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value).Trim()).ToList();

    private static string MatchCount(string html) => WebUtility.HtmlDecode(MatchCountText().Match(html).Groups[1].Value).Trim();

    [GeneratedRegex("data-testid=\"invoice-link\"[^>]*>([^<]*)<")]
    private static partial Regex InvoiceLink();

    [GeneratedRegex("data-testid=\"match-count\"[^>]*>([^<]*)<")]
    private static partial Regex MatchCountText();
}
