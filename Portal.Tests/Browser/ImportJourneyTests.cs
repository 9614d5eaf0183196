using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>The owner uploads a clients file, checks the guessed columns and the preview, confirms, and gets the rejected rows.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task The_owner_uploads_maps_previews_and_confirms_a_clients_file()
    {
        var firm = await _app.AFirmAsync();
        var page = await browser.NewPageAsync(_app.BaseUrl);
        await page.SignInAsync(firm.Owner.Email, firm.Owner.Password);
        await page.GoToAsync("/staff/clients/import");

        var file = Encoding.UTF8.GetBytes("Raison sociale;Courriel\r\nMaison Verte;verte@maison.test\r\nSans Email;pas-un-email\r\n");
        await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "clients.csv", MimeType = "text/csv", Buffer = file });
        await Assertions.Expect(page.GetByTestId("import-mapping")).ToBeVisibleAsync();
        await page.GetByTestId("import-preview").ClickAsync();

        await _app.ExplainingFailureAsync(() => Assertions.Expect(page.GetByTestId("count-create")).ToContainTextAsync("1"));
        await Assertions.Expect(page.GetByTestId("count-error")).ToContainTextAsync("1");
        await Assertions.Expect(page.GetByTestId("import-rows")).ToContainTextAsync("'pas-un-email' is not a valid email address.");
        await using (var db = _app.OpenDb(firm.Id))
            (await db.ClientAccounts.CountAsync()).ShouldBe(0, "nothing is written before the confirmation");

        await page.GetByTestId("import-confirm").ClickAsync();

        await Assertions.Expect(page.GetByTestId("import-done")).ToContainTextAsync("1 created");
        await Assertions.Expect(page.GetByTestId("import-error-report")).ToBeVisibleAsync();
        await using (var db = _app.OpenDb(firm.Id))
            (await db.ClientAccounts.SingleAsync()).Name.ShouldBe("Maison Verte");
    }
}
