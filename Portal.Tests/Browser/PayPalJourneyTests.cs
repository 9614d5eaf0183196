using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Demo;
using Portal.Domain.Invoices;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>
/// The demo firm connected to the in-app PayPal sandbox: the client chooses PayPal, approves on the sandbox's page, is
/// captured on the way back, and the open status page follows PayPal's webhook without a reload.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PayPalJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly DemoSandboxPortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_client_pays_with_paypal_sees_it_processing_then_paid_once_paypal_completes_the_capture()
    {
        var client = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await client.SignInAsync("chloe@maison-dupont.example", DemoData.Password);
        await client.GoToAsync("/portal/pay");
        // Card or PayPal: the page is named for paying online, not for one of them.
        await Assertions.Expect(client.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Pay online");
        var number = await _app.OldestOpenInvoiceAsync("Maison Dupont");
        await client.GetByLabel(number).CheckAsync();
        await client.GetByTestId("pay-with-paypal").ClickAsync();

        await client.WaitForPageAsync("/sandbox/paypal/checkoutnow");
        await AccessibilityTests.ShouldHaveNoSeriousViolationAsync(client);
        await client.GetByRole(AriaRole.Button, new() { Name = "Approve (payment held for review)" }).ClickAsync();

        await client.WaitForPageAsync("/portal/payments/");
        var status = client.GetByTestId("payment-status");
        await _app.ExplainingFailureAsync(() => Assertions.Expect(status).ToContainTextAsync("PayPal is reviewing the payment."));
        await Assertions.Expect(status).Not.ToContainTextAsync("Paid");
        await client.ScreenshotAsync("client-paypal-processing");

        // PayPal releases the held capture: its webhook reaches the app, the processor applies it, the page follows.
        var paymentId = Guid.Parse(new Uri(client.Url).Segments[^1]);
        string captureId;
        await using (var db = _app.OpenDb())
            captureId = (await db.Payments.IgnoreQueryFilters().SingleAsync(p => p.Id == paymentId)).ProviderPaymentId!;
        using var control = new HttpClient { BaseAddress = new Uri(_app.BaseUrl, "sandbox/paypal/_control/") };
        (await control.PostAsJsonAsync($"captures/{captureId}/complete", new { })).EnsureSuccessStatusCode();

        await _app.ExplainingFailureAsync(() => Assertions.Expect(status).ToContainTextAsync("Paid. Thank you!"));
        await client.ScreenshotAsync("client-paypal-paid");
        await using var check = _app.OpenDb();
        (await check.Invoices.IgnoreQueryFilters().SingleAsync(i => i.Number == number)).Status.ShouldBe(InvoiceStatus.Paid);
    }

    [Fact]
    public async Task A_guest_with_a_pay_link_pays_with_paypal_and_sees_the_invoice_paid()
    {
        await using (var db = _app.OpenDb())
        {
            (await db.Firms.IgnoreQueryFilters().SingleAsync(f => f.Key == "demo")).ChangeDelivery(emailInvoicesWhenIssued: false, guestPayAllowed: true);
            await db.SaveChangesAsync();
        }
        var number = await _app.OldestOpenInvoiceAsync("Maison Dupont");
        var link = await _app.PayLinkForAsync(number);

        var guest = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await guest.GotoAsync(link);
        await guest.WaitForPageAsync("/pay/guest$");
        await Assertions.Expect(guest.GetByTestId("guest-pay-by-card")).ToBeVisibleAsync();
        await guest.GetByTestId("guest-pay-with-paypal").ClickAsync();

        await guest.WaitForPageAsync("/sandbox/paypal/checkoutnow");
        await guest.GetByRole(AriaRole.Button, new() { Name = "Approve payment", Exact = true }).ClickAsync();

        // Back on the guest's own page, never the signed-in portal: captured on the way, paid.
        await guest.WaitForPageAsync("/pay/guest/payments/");
        await _app.ExplainingFailureAsync(() => Assertions.Expect(guest.GetByTestId("payment-status")).ToContainTextAsync("Paid. Thank you!"));
        await Assertions.Expect(guest.GetByTestId("invoice-status")).ToHaveTextAsync("Paid");
        await guest.ScreenshotAsync("guest-paypal-paid");
        await using var check = _app.OpenDb();
        var invoice = await check.Invoices.IgnoreQueryFilters().SingleAsync(i => i.Number == number);
        invoice.Status.ShouldBe(InvoiceStatus.Paid);
        (await check.Payments.IgnoreQueryFilters().Include(p => p.Allocations).SingleAsync(p => p.Allocations.Any(a => a.InvoiceId == invoice.Id)))
            .Provider.ShouldBe(Portal.Domain.Payments.PaymentProvider.PayPal);
    }
}
