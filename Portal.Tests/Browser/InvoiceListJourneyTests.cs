using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>Staff search and page through the invoice list; an invoice issued meanwhile shows up on the page they are on.</summary>
[Collection(BrowserCollection.Name)]
public sealed class InvoiceListJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Staff_search_and_page_the_invoice_list_and_a_new_invoice_appears_live_on_the_same_page()
    {
        var firm = await _app.AFirmAsync();
        var dupont = await _app.AClientAsync(firm, name: "Maison Dupont");
        var river = await _app.AClientAsync(firm, name: "Blue River Studio");
        for (var days = 1; days <= 27; days++)
            await _app.AnInvoice(dupont).DueInDays(days).IssuedAsync();
        for (var days = 1; days <= 3; days++)
            await _app.AnInvoice(river).DueInDays(days).IssuedAsync();

        var staff = await browser.NewPageAsync(_app.BaseUrl);
        await staff.SignInAsync(firm.Staff.Email, firm.Staff.Password);
        await staff.GoToAsync("/staff/invoices?size=25");
        await Assertions.Expect(staff.GetByTestId("match-count")).ToHaveTextAsync("30 found");

        await staff.Field("invoice-search").FillAsync("dupont");
        await Assertions.Expect(staff.GetByTestId("match-count")).ToHaveTextAsync("27 found");
        await Assertions.Expect(staff).ToHaveURLAsync(new Regex("q=dupont"));
        await Assertions.Expect(staff.GetByTestId("invoice-link")).ToHaveCountAsync(25);
        await staff.GetByTestId("next-page").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("page-number")).ToHaveTextAsync("Page 2 of 2");
        await Assertions.Expect(staff.GetByTestId("invoice-link")).ToHaveCountAsync(2);
        await Assertions.Expect(staff.GetByTestId("invoice-client")).ToHaveTextAsync(["Maison Dupont", "Maison Dupont"]);

        // The filtered page comes back the same from its address.
        await staff.ReloadAsync();
        await staff.WaitForInteractiveAsync();
        await Assertions.Expect(staff.GetByTestId("page-number")).ToHaveTextAsync("Page 2 of 2");
        await Assertions.Expect(staff.Field("invoice-search")).ToHaveValueAsync("dupont");

        // Due today, the earliest of all: newest-due-first puts it last, on this second page. Another client's invoice
        // issued meanwhile is not for this search.
        await _app.AnInvoice(river).DueInDays(0).IssuedAsync();
        var arriving = await _app.AnInvoice(dupont).DueInDays(0).IssuedAsync();

        await Assertions.Expect(staff.GetByTestId("match-count")).ToHaveTextAsync("28 found");
        await Assertions.Expect(staff.GetByTestId("invoice-link")).ToHaveCountAsync(3);
        await Assertions.Expect(staff.GetByTestId("invoice-link").Last).ToHaveTextAsync(arriving.Number!);
        await Assertions.Expect(staff.GetByTestId("page-number")).ToHaveTextAsync("Page 2 of 2");
        await Assertions.Expect(staff.Field("invoice-search")).ToHaveValueAsync("dupont");
    }
}
