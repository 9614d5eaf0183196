using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Demo;
using Portal.Tests.Fixture;
using Portal.Tests.Reminders;

namespace Portal.Tests.Browser;

/// <summary>
/// A reminder that gets an invoice paid, read from a real mail server: the overdue reminder's "Pay now" opens the
/// invoice, the client pays part of it by card on the Stripe sandbox's hosted page, and the next step's reminder asks
/// only for what is still due.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ReminderJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly MailingDemoApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task An_overdue_reminder_leads_to_a_partial_card_payment_and_the_second_notice_asks_for_the_rest()
    {
        var firm = await _app.DemoFirmAsync();
        await _app.TurnOnRemindersAsync(firm);
        var client = await _app.AClientAsync(firm, name: "Atelier Moreau");
        var billing = await _app.BillingEmailAsync(client);
        var invoice = await _app.AnInvoice(client).WithLine("Annual accounts", 1, 300_00).DueInLocalDays(_app, -7, issuedDaysAgo: 37).IssuedAsync();
        var number = await NumberAsync(invoice.Id);

        // The sweep sends the "overdue" step (a week late) for the whole amount.
        await _app.Sweeper().SweepAsync();
        var overdue = (await _app.Smtp.WaitForAsync(billing)).ShouldHaveSingleItem();
        (overdue.Subject ?? "").ShouldContain(number);
        (overdue.TextBody ?? "").ShouldContain("€300.00");
        var payNow = PayLink().Match(overdue.TextBody ?? "").Value;
        payNow.ShouldNotBeEmpty(overdue.TextBody);

        // The client, signed in on a phone, follows "Pay now" to the invoice and pays €100 of it by card.
        var page = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await page.SignInAsync(client.Contact.Email, client.Contact.Password);
        await page.GotoAsync(payNow);
        await page.WaitForPageAsync($"/portal/invoices/{invoice.Id}$");
        await page.GetByTestId("pay-invoice-by-card").ClickAsync();
        await page.WaitForPageAsync("/portal/pay\\?invoice=");
        await page.WaitForInteractiveAsync();
        var amount = page.GetByLabel("Amount to pay");
        await Assertions.Expect(amount).ToHaveValueAsync("300");
        await amount.FillAsync("100");
        await amount.BlurAsync();
        await Assertions.Expect(page.GetByText("Total to pay: €100.00")).ToBeVisibleAsync();
        await page.GetByTestId("pay-by-card").ClickAsync();
        await page.WaitForPageAsync("/sandbox/stripe/pay/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay with card •••• 4242" }).ClickAsync();
        await page.WaitForPageAsync("/portal/payments/");
        await _app.ExplainingFailureAsync(() => Assertions.Expect(page.GetByTestId("payment-status")).ToContainTextAsync("Paid. Thank you!"));
        await page.GetByTestId("back-to-invoice").ClickAsync();
        await Assertions.Expect(page.GetByTestId("amount-due")).ToHaveTextAsync("€200.00");

        // Eight days on, the second notice asks for the €200 still due, with a link that still works.
        ((TestClock)_app.Clock).Advance(TimeSpan.FromDays(8));
        await _app.Sweeper().SweepAsync();
        // The mailbox now holds the overdue reminder, the receipt for the €100 and the second notice, once each.
        var mails = await _app.Smtp.WaitForAsync(billing, count: 3);
        mails.Count.ShouldBe(3);
        mails.ShouldContain(m => (m.Subject ?? "").StartsWith("Payment received: €100.00", StringComparison.Ordinal));
        var second = mails.Where(m => (m.Subject ?? "").StartsWith($"Second notice: invoice {number}", StringComparison.Ordinal)).ShouldHaveSingleItem();
        (second.TextBody ?? "").ShouldContain("still shows €200.00 unpaid");
        PayLink().Match(second.TextBody ?? "").Value.ShouldNotBeEmpty();
    }

    private async Task<string> NumberAsync(Guid invoiceId)
    {
        await using var db = _app.OpenDb();
        return (await db.Invoices.IgnoreQueryFilters().Where(i => i.Id == invoiceId).Select(i => i.Number).SingleAsync())!;
    }

    [GeneratedRegex(@"https?://\S+/pay/[A-Za-z0-9_-]{43}")]
    private static partial Regex PayLink();
}
