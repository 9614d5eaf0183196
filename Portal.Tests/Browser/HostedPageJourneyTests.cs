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
/// Clients who leave a provider's hosted page (Cancel on the mandate page, Back or Cancel on the card page) and pay
/// another way, and staff who watch the client's mandate appear: the demo with its in-app sandboxes, webhooks applied
/// by the background processor.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HostedPageJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly DemoSandboxPortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_client_cancels_the_mandate_page_and_pays_the_invoice_by_card_instead()
    {
        var client = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await client.SignInAsync("anna@northwind.example", DemoData.Password);
        var number = await _app.OldestOpenInvoiceAsync("Northwind Traders");
        var invoiceId = await _app.InvoiceIdAsync(number);
        await client.GoToAsync($"/portal/invoices/{invoiceId}");
        await client.GetByTestId("pay-by-direct-debit-button").ClickAsync();
        await client.WaitForPageAsync("/sandbox/gocardless/flow/");
        // The provider's hosted pages are part of the client's journey: they meet the app's own bar.
        await AccessibilityTests.ShouldHaveNoSeriousViolationAsync(client);

        await client.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();

        await client.WaitForPageAsync($"/portal/invoices/{invoiceId}");
        await client.WaitForInteractiveAsync();
        await Assertions.Expect(client.GetByTestId("direct-debit-not-set-up")).ToHaveTextAsync("Direct debit not set up — nothing was taken.");
        await Assertions.Expect(client.GetByTestId("pay-by-direct-debit-button")).ToBeVisibleAsync();
        await Assertions.Expect(client.GetByTestId("direct-debit-scheduled")).ToHaveCountAsync(0);
        // Anna's demo transfer may have paid part of it; nothing else is listed, and nothing is processing.
        await Assertions.Expect(client.GetByTestId("invoice-payment").Filter(new() { HasText = "Direct debit" })).ToHaveCountAsync(0);
        await Assertions.Expect(client.GetByTestId("payment-status").Filter(new() { HasText = "Processing" })).ToHaveCountAsync(0);
        await client.ScreenshotAsync("client-direct-debit-not-set-up");
        (await DirectDebitsOnAsync(invoiceId)).ShouldHaveSingleItem().ShouldBe(PaymentStatus.Cancelled);

        await client.GetByTestId("pay-invoice-by-card").ClickAsync();
        await client.WaitForPageAsync("/portal/pay");
        await Assertions.Expect(client.GetByLabel(number)).ToBeCheckedAsync();
        await client.GetByTestId("pay-by-card").ClickAsync();
        await client.WaitForPageAsync("/sandbox/stripe/pay/");
        await AccessibilityTests.ShouldHaveNoSeriousViolationAsync(client);
        await client.GetByRole(AriaRole.Button, new() { Name = "Pay with card •••• 4242" }).ClickAsync();

        await client.WaitForPageAsync("/portal/payments/");
        await _app.ExplainingFailureAsync(() => Assertions.Expect(client.GetByTestId("payment-status")).ToContainTextAsync("Paid. Thank you!"));
        await client.GoToAsync($"/portal/invoices/{invoiceId}");
        await Assertions.Expect(client.GetByTestId("invoice-payment").Filter(new() { HasText = "Card" })).ToHaveCountAsync(1);
        await Assertions.Expect(client.GetByTestId("invoice-payment").Filter(new() { HasText = "Direct debit" })).ToHaveCountAsync(0);
        (await InvoiceAsync(invoiceId)).Status.ShouldBe(InvoiceStatus.Paid);
    }

    [Fact]
    public async Task A_client_cancels_the_mandate_page_then_signs_it_and_the_return_page_follows_the_debit_to_paid_without_going_back()
    {
        var client = await browser.NewPageAsync(_app.BaseUrl);
        // Every state the return page shows, as the browser renders it, from the first byte.
        await client.AddInitScriptAsync("""
            window.__stages = [];
            new MutationObserver(() => {
                const status = document.querySelector('[data-testid="direct-debit-return-status"]');
                const stage = status && status.getAttribute('data-stage');
                if (stage && window.__stages[window.__stages.length - 1] !== stage) window.__stages.push(stage);
            }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
            """);
        await client.SignInAsync("chloe@maison-dupont.example", DemoData.Password);
        var number = await _app.OldestOpenInvoiceAsync("Maison Dupont");
        var invoiceId = await _app.InvoiceIdAsync(number);
        await client.GoToAsync($"/portal/invoices/{invoiceId}");
        await client.GetByTestId("pay-by-direct-debit-button").ClickAsync();
        await client.WaitForPageAsync("/sandbox/gocardless/flow/");
        await client.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        await client.WaitForPageAsync($"/portal/invoices/{invoiceId}");
        await client.WaitForInteractiveAsync();
        await Assertions.Expect(client.GetByTestId("direct-debit-not-set-up")).ToBeVisibleAsync();

        await client.GetByTestId("pay-by-direct-debit-button").ClickAsync();
        await client.WaitForPageAsync("/sandbox/gocardless/flow/");
        // The payer is the client's contact, not a made-up name.
        await Assertions.Expect(client.GetByLabel("Account holder")).ToHaveValueAsync("Chloé Dupont");
        await client.GetByRole(AriaRole.Button, new() { Name = "Set up Direct Debit (mandate active at once)" }).ClickAsync();
        await client.WaitForPageAsync("/portal/direct-debit/return");
        var status = client.GetByTestId("direct-debit-return-status");
        await _app.ExplainingFailureAsync(() => Assertions.Expect(status).ToHaveAttributeAsync("data-stage", "Scheduled"));
        await Assertions.Expect(status).ToContainTextAsync("scheduled");
        await client.WaitForInteractiveAsync();
        await client.ScreenshotAsync("client-direct-debit-return-scheduled");

        // GoCardless collects: the page moves on by itself.
        await _app.RunGoCardlessScenarioAsync("payment_confirmed", await _app.DirectDebitProviderIdAsync(invoiceId));
        await _app.ExplainingFailureAsync(() => Assertions.Expect(status).ToHaveAttributeAsync("data-stage", "Paid"));
        await Assertions.Expect(status).ToHaveTextAsync("Paid. Thank you!");
        var stages = await client.EvaluateAsync<string[]>("window.__stages");
        stages.ShouldBe(["Scheduled", "Paid"], "the return page showed: " + string.Join(" → ", stages));
        var debits = await DirectDebitsOnAsync(invoiceId);
        debits.Order().ShouldBe([PaymentStatus.Succeeded, PaymentStatus.Cancelled]);
        (await InvoiceAsync(invoiceId)).Status.ShouldBe(InvoiceStatus.Paid);
    }

    [Fact]
    public async Task Back_or_cancel_from_the_hosted_card_page_leaves_nothing_processing_for_the_client_or_staff()
    {
        var staff = await browser.NewPageAsync(_app.BaseUrl);
        await staff.SignInAsync("staff@demo.portal", DemoData.Password);
        var clientId = await _app.ClientIdAsync("Maison Dupont");
        await staff.GoToAsync($"/staff/clients/{clientId}");
        var staffPayments = await staff.GetByTestId("client-payment").CountAsync();
        var client = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await client.SignInAsync("chloe@maison-dupont.example", DemoData.Password);
        var number = await _app.OldestOpenInvoiceAsync("Maison Dupont");
        var invoiceId = await _app.InvoiceIdAsync(number);

        await client.GoToAsync($"/portal/pay?invoice={invoiceId}");
        await Assertions.Expect(client.GetByLabel(number)).ToBeCheckedAsync();
        await client.GetByTestId("pay-by-card").ClickAsync();
        await client.WaitForPageAsync("/sandbox/stripe/pay/");
        await client.GoBackAsync();

        await client.WaitForPageAsync("/portal/pay");
        await client.GoToAsync($"/portal/invoices/{invoiceId}");
        await Assertions.Expect(client.GetByTestId("pay-invoice-by-card")).ToBeVisibleAsync();
        await Assertions.Expect(client.GetByTestId("pay-by-direct-debit-button")).ToBeVisibleAsync();
        await Assertions.Expect(client.GetByTestId("payment-status").Filter(new() { HasText = "Processing" })).ToHaveCountAsync(0);
        await Assertions.Expect(client.GetByTestId("invoice-payment").Filter(new() { HasText = "Card" })).ToHaveCountAsync(0);
        var left = (await CardPaymentsOnAsync(invoiceId)).ShouldHaveSingleItem();
        left.Status.ShouldBe(PaymentStatus.Initiated);
        await staff.GoToAsync($"/staff/clients/{clientId}");
        await Assertions.Expect(staff.GetByTestId("client-payment")).ToHaveCountAsync(staffPayments);
        await staff.GoToAsync("/staff");
        await Assertions.Expect(staff.GetByTestId("live-payments")).Not.ToContainTextAsync("Maison Dupont");

        // Paying again closes the page left open; Cancel on the new one ends that attempt too.
        await client.GetByTestId("pay-invoice-by-card").ClickAsync();
        await client.WaitForPageAsync("/portal/pay");
        await Assertions.Expect(client.GetByLabel(number)).ToBeCheckedAsync();
        await client.GetByTestId("pay-by-card").ClickAsync();
        await client.WaitForPageAsync("/sandbox/stripe/pay/");
        await client.GetByRole(AriaRole.Button, new() { Name = "Cancel and go back" }).ClickAsync();

        await client.WaitForPageAsync("/portal/payments/.*cancelled=true");
        await Assertions.Expect(client.GetByTestId("payment-status")).ToContainTextAsync("Card payment not made — nothing was taken.");
        await client.ScreenshotAsync("client-card-payment-not-made");
        await client.GetByTestId("back-to-invoice").ClickAsync();
        await client.WaitForPageAsync($"/portal/invoices/{invoiceId}");
        await Assertions.Expect(client.GetByTestId("pay-invoice-by-card")).ToBeVisibleAsync();
        await Assertions.Expect(client.GetByTestId("pay-by-direct-debit-button")).ToBeVisibleAsync();
        await WaitForAsync(async () => (await CardPaymentsOnAsync(invoiceId)).All(p => p.Status == PaymentStatus.Cancelled), "both card attempts end");
        (await CardPaymentsOnAsync(invoiceId)).Count.ShouldBe(2);
        var invoice = await InvoiceAsync(invoiceId);
        (invoice.Pending.IsZero, invoice.AmountPayable.IsPositive).ShouldBe((true, true));
        await staff.GoToAsync($"/staff/clients/{clientId}");
        await Assertions.Expect(staff.GetByTestId("client-payment")).ToHaveCountAsync(staffPayments);
    }

    [Fact]
    public async Task Staff_watch_the_clients_mandate_appear_being_set_up_then_active_with_its_collection()
    {
        var staff = await browser.NewPageAsync(_app.BaseUrl);
        await staff.SignInAsync("staff@demo.portal", DemoData.Password);
        var clientId = await _app.ClientIdAsync("Maison Dupont");
        await staff.GoToAsync($"/staff/clients/{clientId}");
        await Assertions.Expect(staff.GetByTestId("staff-mandates")).ToContainTextAsync("No direct-debit mandate yet.");
        var client = await browser.NewPageAsync(_app.BaseUrl);
        await client.SignInAsync("chloe@maison-dupont.example", DemoData.Password);
        var invoiceId = await _app.InvoiceIdAsync(await _app.OldestOpenInvoiceAsync("Maison Dupont"));
        await client.GoToAsync($"/portal/invoices/{invoiceId}");
        await client.GetByTestId("pay-by-direct-debit-button").ClickAsync();
        await client.WaitForPageAsync("/sandbox/gocardless/flow/");
        await client.GetByRole(AriaRole.Button, new() { Name = "Set up Direct Debit", Exact = true }).ClickAsync();
        await client.WaitForPageAsync("/portal/direct-debit/return");

        // The staff page was open all along: the mandate and its collection arrive live.
        var mandate = staff.GetByTestId("staff-mandate");
        await _app.ExplainingFailureAsync(() => Assertions.Expect(mandate).ToHaveCountAsync(1));
        await Assertions.Expect(mandate.GetByTestId("mandate-scheme")).ToHaveTextAsync("SEPA Direct Debit · EUR");
        await Assertions.Expect(mandate.GetByTestId("mandate-bank")).ToContainTextAsync("••");
        await Assertions.Expect(mandate.GetByTestId("mandate-reference")).Not.ToHaveTextAsync("—");
        var chip = mandate.GetByTestId("mandate-status");
        await Assertions.Expect(chip).ToHaveTextAsync("Being set up");
        await Assertions.Expect(chip).ToHaveClassAsync(new Regex("mud-chip-color-info"));
        await _app.ExplainingFailureAsync(() => Assertions.Expect(mandate.GetByTestId("mandate-payment")).ToHaveCountAsync(1));
        await Assertions.Expect(mandate).ToContainTextAsync("Processing");
        await staff.ScreenshotAsync("staff-client-mandate");

        await _app.RunGoCardlessScenarioAsync("mandate_activated", await MandateIdAsync(clientId));
        await _app.ExplainingFailureAsync(() => Assertions.Expect(chip).ToHaveTextAsync("Active"));
        await Assertions.Expect(chip).ToHaveClassAsync(new Regex("mud-chip-color-success"));
        await Assertions.Expect(mandate.GetByTestId("mandate-ended")).ToHaveCountAsync(0);
    }

    private Task WaitForAsync(Func<Task<bool>> condition, string what) =>
        _app.ExplainingFailureAsync(async () =>
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!await condition())
            {
                if (waited.Elapsed > TimeSpan.FromSeconds(90))
                    throw new TimeoutException($"Timed out waiting until {what}.");
                await Task.Delay(100);
            }
        });

    private async Task<Invoice> InvoiceAsync(Guid invoiceId)
    {
        await using var db = _app.OpenDb();
        return await db.Invoices.IgnoreQueryFilters().SingleAsync(i => i.Id == invoiceId);
    }

    private async Task<List<Payment>> PaymentsOnAsync(Guid invoiceId, PaymentMethod method)
    {
        await using var db = _app.OpenDb();
        var ids = await db.PaymentAllocations.IgnoreQueryFilters().Where(a => a.InvoiceId == invoiceId).Select(a => a.PaymentId).ToListAsync();
        return await db.Payments.IgnoreQueryFilters().AsNoTracking().Where(p => ids.Contains(p.Id) && p.Method == method).ToListAsync();
    }

    private async Task<List<PaymentStatus>> DirectDebitsOnAsync(Guid invoiceId) =>
        [.. (await PaymentsOnAsync(invoiceId, PaymentMethod.DirectDebit)).Select(p => p.Status)];

    private Task<List<Payment>> CardPaymentsOnAsync(Guid invoiceId) => PaymentsOnAsync(invoiceId, PaymentMethod.Card);

    private async Task<string> MandateIdAsync(Guid clientId)
    {
        await using var db = _app.OpenDb();
        return await db.DirectDebitMandates.IgnoreQueryFilters().Where(m => m.ClientAccountId == clientId).Select(m => m.MandateId).SingleAsync();
    }
}
