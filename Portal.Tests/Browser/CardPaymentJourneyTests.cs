using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Demo;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
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
        var number = await _app.OldestOpenInvoiceAsync("Maison Dupont");
        await client.GetByLabel(number).CheckAsync();
        await client.ScreenshotAsync("client-pay-by-card");
        await client.GetByTestId("pay-by-card").ClickAsync();

        await client.WaitForPageAsync("/sandbox/stripe/pay/");
        await client.GetByRole(AriaRole.Button, new() { Name = "Pay with card •••• 4242" }).ClickAsync();

        await client.WaitForPageAsync("/portal/payments/");
        await _app.ExplainingFailureAsync(() => Assertions.Expect(client.GetByTestId("payment-status")).ToContainTextAsync("Paid. Thank you!"));
        await client.ScreenshotAsync("client-card-paid");
        await using var db = _app.OpenDb();
        (await db.Invoices.IgnoreQueryFilters().SingleAsync(i => i.Number == number)).Status.ShouldBe(InvoiceStatus.Paid);
    }

    [Fact]
    public async Task A_client_signs_a_mandate_sees_the_debit_processing_then_paid_once_gocardless_confirms()
    {
        var client = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await client.SignInAsync("anna@northwind.example", DemoData.Password);
        var number = await _app.OldestOpenInvoiceAsync("Northwind Traders");
        await client.GoToAsync($"/portal/invoices/{await _app.InvoiceIdAsync(number)}");
        await client.GetByTestId("pay-by-direct-debit-button").ClickAsync();

        await client.WaitForPageAsync("/sandbox/gocardless/flow/");
        await client.GetByRole(AriaRole.Button, new() { Name = "Set up Direct Debit (mandate active at once)" }).ClickAsync();
        await client.WaitForPageAsync("/portal/direct-debit/return");
        await _app.ExplainingFailureAsync(() => Assertions.Expect(client.GetByTestId("direct-debit-return-status")).ToContainTextAsync("scheduled"));

        await client.GoToAsync($"/portal/invoices/{await _app.InvoiceIdAsync(number)}");
        await Assertions.Expect(client.GetByTestId("direct-debit-scheduled")).ToBeVisibleAsync();
        await Assertions.Expect(client.GetByTestId("invoice-status")).Not.ToHaveTextAsync("Paid");
        await client.ScreenshotAsync("client-direct-debit-processing");

        // GoCardless confirms the collection: the sandbox sends the signed webhook, the processor applies it, and
        // the open page follows without a reload.
        await _app.RunGoCardlessScenarioAsync("payment_confirmed", await _app.DirectDebitProviderIdAsync(await _app.InvoiceIdAsync(number)));
        await _app.ExplainingFailureAsync(() => Assertions.Expect(client.GetByTestId("invoice-status")).ToHaveTextAsync("Paid"));
        await client.ScreenshotAsync("client-direct-debit-paid");
    }
}
