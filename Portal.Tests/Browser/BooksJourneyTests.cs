using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Domain.Books;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>
/// The books as an owner uses them in the browser: the trial balance, down to an account's ledger, an entry and the
/// invoice it posted; the FEC downloaded from the exports page; a month closed, and the refusals of the close said on
/// its field.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BooksJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task An_owner_goes_from_the_trial_balance_to_the_invoice_downloads_the_fec_and_closes_last_month()
    {
        var (firm, client) = await _app.AFirmWithAClientAsync();
        var invoice = await _app.AnInvoice(client).WithLine("Annual accounts", 1, 100_00, 2000).IssuedAsync();
        await _app.PayByTransferAsync(client, invoice.Id, 120_00);
        await _app.AsStaffOfAsync<Portal.Firms.FirmIdentitySettings>(firm, s => s.SaveAsync(new Portal.Domain.Firms.FirmLegalIdentity(Siren: "732829320")));
        var thisMonth = AccountingPeriod.Of(_app.Today);
        var page = await browser.NewPageAsync(_app.BaseUrl);
        await page.SignInAsync(firm.Owner.Email, firm.Owner.Password);

        // The trial balance, then the client account's ledger, then the entry that issued the invoice.
        await page.GoToAsync("/books");
        var balance = page.GetByTestId("trial-balance");
        await Assertions.Expect(balance.GetByRole(AriaRole.Link, new() { Name = "411", Exact = true })).ToBeVisibleAsync();
        await balance.GetByRole(AriaRole.Link, new() { Name = "411", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/books/accounts/411"));
        var ledger = page.GetByTestId("account-ledger");
        await Assertions.Expect(ledger.GetByRole(AriaRole.Link)).ToHaveCountAsync(2);
        await ledger.GetByRole(AriaRole.Link).First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/books/transactions/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.GetByTestId("transaction-invoice")).ToContainTextAsync(invoice.Number!);

        // The exports page starts from the firm's SIREN; its FEC link gives the file named as the law asks.
        await page.GoToAsync("/books/exports");
        await Assertions.Expect(page.Field("export-siren")).ToHaveValueAsync("732829320");
        var fecLink = await page.GetByTestId("export-fec").GetAttributeAsync("href");
        var fec = await page.Context.APIRequest.GetAsync(new Uri(_app.BaseUrl, fecLink!).ToString());
        fec.Status.ShouldBe(200);
        fec.Headers["content-disposition"].ShouldContain($"732829320FEC{thisMonth.LastDay:yyyyMMdd}");
        (await fec.TextAsync()).ShouldContain(invoice.Number!);

        // Closing: the month under way is refused on the field, which takes the focus; last month closes.
        await page.GoToAsync("/books");
        var month = page.Field("month-to-close");
        await month.FillAsync(thisMonth.ToString());
        await page.GetByTestId("close-month").ClickAsync();
        await Assertions.Expect(month).ToBeFocusedAsync();
        await Assertions.Expect(month).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(month).ToHaveAccessibleDescriptionAsync(new Regex("is not over yet"));
        await Assertions.Expect(page.GetByTestId("closed-periods")).ToHaveTextAsync("No month is closed yet.");
        (await AccessibilityTests.FailingViolationsAsync(page)).Select(v => $"{v.Id}: {v.Help}").ShouldBeEmpty();

        await month.CorrectAsync(thisMonth.Previous.ToString());
        await page.GetByTestId("close-month").ClickAsync();
        await Assertions.Expect(page.GetByTestId("closed-periods")).ToHaveTextAsync(thisMonth.Previous.ToString());
        await using var db = _app.OpenDb(firm.Id);
        (await db.ClosedPeriods.SingleAsync()).Month.ShouldBe(thisMonth.Previous.Month);
    }
}
