using Microsoft.Playwright;
using Portal.Demo;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>The two journeys of the demo: staff create and issue an invoice; the client sees it on their dashboard.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FirstInvoiceJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly DemoPortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Staff_create_and_issue_an_invoice_that_the_client_then_sees_on_their_dashboard()
    {
        var staff = await browser.NewPageAsync(_app.BaseUrl);
        await staff.SignInAsync("staff@demo.portal", DemoData.Password);
        await staff.GoToAsync("/staff/invoices/new");

        await staff.ChooseAsync("invoice-client", "Maison Dupont (EUR)");
        await staff.Field("line-description").FillAsync("Year-end accounts 2026");
        await staff.Field("line-quantity").FillAsync("2");
        await staff.Field("line-price").FillAsync("450.50");
        await staff.Field("line-tax").FillAsync("20");
        await staff.Field("line-tax").PressAsync("Tab");
        await Assertions.Expect(staff.GetByTestId("invoice-total")).ToContainTextAsync("1,081.20");
        await staff.GetByTestId("save-and-issue").ClickAsync();

        await Assertions.Expect(staff.GetByTestId("invoice-number")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^INV-\\d{5}$"));
        await Assertions.Expect(staff.GetByTestId("invoice-status")).ToHaveTextAsync("Open");
        var number = await staff.GetByTestId("invoice-number").TextContentAsync();
        await staff.ScreenshotAsync("staff-invoice");

        var client = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await client.SignInAsync("chloe@maison-dupont.example", DemoData.Password);
        await Assertions.Expect(client).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/portal$"));
        await Assertions.Expect(client.GetByText(number!)).ToBeVisibleAsync();
        await Assertions.Expect(client.GetByTestId("amount-due-total").First).ToContainTextAsync("€");
        await client.ScreenshotAsync("client-dashboard");

        await client.GetByText(number!).ClickAsync();
        await Assertions.Expect(client.GetByText("Year-end accounts 2026")).ToBeVisibleAsync();
        await Assertions.Expect(client.GetByTestId("amount-due")).ToContainTextAsync("1,081.20");
        // On a phone the line's total stays on screen: quantity, price and tax fold under the description.
        await Assertions.Expect(client.GetByTestId("line-total")).ToHaveTextAsync("€1,081.20");
        await Assertions.Expect(client.GetByTestId("line-total")).ToBeInViewportAsync(new() { Ratio = 1 });
        await Assertions.Expect(client.GetByTestId("invoice-lines")).ToContainTextAsync("2 × €450.50 · Tax 20 %");
    }

    [Fact]
    public async Task The_portal_speaks_french_after_the_language_switch()
    {
        var client = await browser.NewPageAsync(_app.BaseUrl);
        await client.SignInAsync("anna@northwind.example", DemoData.Password);
        await client.GotoAsync("/culture/fr?redirectUri=/portal");
        await client.WaitForInteractiveAsync();
        await Assertions.Expect(client.GetByText("Factures à payer")).ToBeVisibleAsync();
        // French formatting: a comma before the cents and the euro sign after the amount.
        await Assertions.Expect(client.GetByTestId("amount-due-total").First).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\d,\d{2}\s€"));
    }
}
