using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>The owner makes an API key on its settings page, copies the secret shown once, and revokes the key.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiKeysJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task The_owner_makes_a_key_whose_secret_opens_the_api_until_the_owner_revokes_it()
    {
        var firm = await _app.AFirmAsync();
        var page = await browser.NewPageAsync(_app.BaseUrl);
        await page.SignInAsync(firm.Owner.Email, firm.Owner.Password);
        await page.GoToAsync("/staff/settings/api-keys");

        await page.Field("key-name").FillAsync("Accounting sync");
        // An accounting sync needs invoices and payments, not the client records.
        var clients = page.GetByLabel("Clients", new() { Exact = true });
        await Assertions.Expect(clients).ToBeCheckedAsync();
        await clients.UncheckAsync();
        await page.GetByTestId("create-key").ClickAsync();
        var secretField = page.Field("new-key-secret");
        await Assertions.Expect(secretField).ToHaveValueAsync(new Regex("^pk_test_[0-9a-f]{8}_"));
        var secret = await secretField.InputValueAsync();
        await Assertions.Expect(page.GetByTestId("keys-table")).ToContainTextAsync("Accounting sync");
        await Assertions.Expect(page.GetByTestId("keys-table")).ToContainTextAsync("Never used");
        await Assertions.Expect(page.GetByTestId("key-reaches")).ToHaveTextAsync("Invoices, Payments, Credit balances");
        using var http = _app.ApiClient(secret);
        (await http.GetAsync("/api/v1/invoices")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetAsync("/api/v1/clients")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke key Accounting sync" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("keys-table")).ToContainTextAsync("Revoked");
        await Assertions.Expect(page.GetByTestId("new-key")).ToHaveCountAsync(0);
        (await http.GetAsync("/api/v1/invoices")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_staff_member_who_is_not_the_owner_cannot_open_the_api_keys_page()
    {
        var firm = await _app.AFirmAsync();
        var page = await browser.NewPageAsync(_app.BaseUrl);
        await page.SignInAsync(firm.Staff.Email, firm.Staff.Password);

        await page.GotoAsync("/staff/settings/api-keys");

        await Assertions.Expect(page.GetByTestId("create-key")).ToHaveCountAsync(0);
        await Assertions.Expect(page).Not.ToHaveURLAsync(new Regex("/staff/settings/api-keys$"));
    }
}
