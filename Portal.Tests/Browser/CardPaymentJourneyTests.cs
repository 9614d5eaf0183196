using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Demo;
using Portal.Domain.Invoices;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>
/// The demo as `dotnet run` has it: the firm connected to the in-app Stripe sandbox, webhooks delivered to the
/// app's own endpoint and applied by the background processor.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CardPaymentJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly DemoSandboxPortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_client_pays_an_invoice_by_card_on_the_hosted_page_and_sees_it_paid()
    {
        var client = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await client.SignInAsync("chloe@maison-dupont.example", DemoData.Password);
        await client.GoToAsync("/portal/pay");
        var number = await OldestOpenInvoiceAsync("Maison Dupont");
        await client.GetByLabel(number).CheckAsync();
        await client.ScreenshotAsync("client-pay-by-card");
        await client.GetByTestId("pay-by-card").ClickAsync();

        await client.WaitForURLAsync(new Regex("/sandbox/stripe/pay/"));
        await client.GetByRole(AriaRole.Button, new() { Name = "Pay with card •••• 4242" }).ClickAsync();

        await client.WaitForURLAsync(new Regex("/portal/payments/"));
        await Assertions.Expect(client.GetByTestId("payment-status")).ToContainTextAsync("Paid. Thank you!", new() { Timeout = 30_000 });
        await client.ScreenshotAsync("client-card-paid");
        await using var db = _app.OpenDb();
        (await db.Invoices.IgnoreQueryFilters().SingleAsync(i => i.Number == number)).Status.ShouldBe(InvoiceStatus.Paid);
    }

    private async Task<string> OldestOpenInvoiceAsync(string clientName)
    {
        await using var db = _app.OpenDb();
        var clientId = await db.ClientAccounts.IgnoreQueryFilters().Where(c => c.Name == clientName).Select(c => c.Id).SingleAsync();
        return (await db.Invoices.IgnoreQueryFilters()
            .Where(i => i.ClientAccountId == clientId && (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid))
            .OrderBy(i => i.DueDate).Select(i => i.Number).FirstAsync())!;
    }

    private sealed class DemoSandboxPortalApp : DemoPortalApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Sandbox:Enabled", "true");
            builder.UseSetting("Webhooks:ProcessInBackground", "true");
        }
    }
}
