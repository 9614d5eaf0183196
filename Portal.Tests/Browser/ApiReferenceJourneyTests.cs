using Microsoft.Playwright;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>A staff member opens the API reference (Scalar) and reads the endpoints from the app's own OpenAPI document.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiReferenceJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Staff_read_an_endpoint_summary_in_the_api_reference_with_nothing_blocked_by_the_page_policy()
    {
        var firm = await _app.AFirmAsync();
        var page = await browser.NewPageAsync(_app.BaseUrl);
        var refused = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                refused.Add(message.Text);
        };
        await page.SignInAsync(firm.Staff.Email, firm.Staff.Password);

        await page.GotoAsync("/api/docs");

        // Scalar renders the document's summaries as the operations' titles: the document loaded and was read.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "List clients, oldest first, a page at a time." })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("The firm's client accounts with their contacts", new() { Exact = false }).First).ToBeVisibleAsync();
        refused.ShouldBeEmpty();
    }
}
