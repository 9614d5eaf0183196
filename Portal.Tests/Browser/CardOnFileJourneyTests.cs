using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.CardOnFile;
using Portal.Components.Shared;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.Domain.Recurring;
using Portal.Recurring;
using Portal.Tests.Fixture;
using Portal.Tests.Recurring;
using Portal.Tests.Stripe;
using EventTypes = Stripe.EventTypes;

namespace Portal.Tests.Browser;

/// <summary>
/// A client on a phone saves their card while paying the first invoice of a monthly schedule; a month later the next
/// invoice is made and charged to that card by the app's own passes, and the dashboard left open follows each step.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CardOnFileJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    /// <summary>
    /// The in-app Stripe sandbox, with the recurring generator and the card charger left to the test, which runs
    /// their passes when the story needs them, as their background services would.
    /// </summary>
    private sealed class App : StripePortalApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Recurring:GenerateEvery", "00:00:00");
            builder.UseSetting("CardOnFile:ChargeEvery", "00:00:00");
        }
    }

    private readonly App _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_client_saves_a_card_while_paying_and_the_next_recurring_invoice_is_charged_automatically_and_the_dashboard_updates_live()
    {
        var firm = await _app.AFirmAsync();
        var stripe = await CardPaymentDriver.ConnectAsync(_app, firm);
        var client = await _app.AClientAsync(firm, name: "Atelier Rivoli");
        var start = await FirmTodayAsync(firm);
        // Anchored on the start's day: from the 29th to the 31st a shorter month falls on its last day.
        var scheduleId = await _app.AsStaffOfAsync<RecurringSchedules, Guid>(firm, s => s.CreateAsync(new ScheduleInput(
            client.Id, client.Currency.Code, "Monthly bookkeeping", [new InvoiceLineInput("Bookkeeping", 1, 200_00, 2000)],
            RecurrenceInterval.Monthly, 0, start.Day, start, null, null, 0, 14, AutoSend: false, AutoCollect: true)));
        (await _app.Generator().GenerateDueAsync()).ShouldBe(1);
        var first = (await _app.InvoicesOfAsync(firm)).ShouldHaveSingleItem();

        var page = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await page.SignInAsync(client.Contact.Email, client.Contact.Password);
        await page.GoToAsync($"/portal/invoices/{first.Id}");
        await page.GetByTestId("pay-invoice-by-card").ClickAsync();
        await page.WaitForPageAsync("/portal/pay");
        await Assertions.Expect(page.GetByLabel(first.Number!)).ToBeCheckedAsync();
        var saveCard = page.Locator("input[data-testid='save-card'], [data-testid='save-card'] input").First;
        await page.ExplainingFailureAsync(() => Assertions.Expect(saveCard.Locator("xpath=ancestor::label")).ToContainTextAsync("Save this card"));
        await saveCard.CheckAsync();
        await page.GetByTestId("pay-by-card").ClickAsync();

        await page.WaitForPageAsync("/sandbox/stripe/pay/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay with card •••• 4242" }).ClickAsync();
        await page.WaitForPageAsync("/portal/payments/");
        // Stripe tells the portal; the page the client came back to turns to paid without a reload.
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted);
        await page.ExplainingFailureAsync(() => Assertions.Expect(page.GetByTestId("payment-status")).ToContainTextAsync("Paid. Thank you!"));

        await page.GoToAsync("/portal");
        var panel = page.GetByTestId("automatic-payment");
        await Assertions.Expect(panel.GetByTestId("saved-card")).ToContainTextAsync("Visa card ending 4242");
        await Assertions.Expect(panel.GetByTestId("next-card-charge")).ToHaveTextAsync("Nothing to charge for now.");
        await Assertions.Expect(page.GetByTestId("invoice-link")).ToHaveCountAsync(0);

        // A month on, the dashboard still open: the generator makes the next period's invoice. The sign-in cookie lapses
        // as the clock moves on, but the page's circuit was opened before and nothing from here on needs a new request.
        var nextIssueOn = (await _app.AsStaffOfAsync<RecurringSchedules, RecurringSchedule>(firm, s => s.GetAsync(scheduleId))).NextIssueOn!.Value;
        await AdvanceToAsync(firm, nextIssueOn);
        (await _app.Generator().GenerateDueAsync()).ShouldBe(1);
        var second = (await _app.InvoicesOfAsync(firm)).Single(i => i.Id != first.Id);
        var british = CultureInfo.GetCultureInfo("en-GB");
        await page.ExplainingFailureAsync(async () =>
        {
            await Assertions.Expect(page.GetByTestId("invoice-link")).ToHaveTextAsync([second.Number!]);
            await Assertions.Expect(panel.GetByTestId("next-card-charge")).ToHaveTextAsync(
                $"Next charge: {MoneyFormat.Format(second.Total, british)} on {DateFormat.Show(second.DueDate, british)} (invoice {second.Number}).");
        });

        // On its due date the card pass charges the saved card, off-session.
        await AdvanceToAsync(firm, second.DueDate);
        (await _app.Services.GetRequiredService<CardAutoCharges>().RunAsync()).ShouldBe(1);
        await page.ExplainingFailureAsync(async () =>
        {
            await Assertions.Expect(panel.GetByTestId("card-charge")).ToHaveTextAsync([$"Invoice {second.Number} · Try 1 · Paid"]);
            await Assertions.Expect(page.GetByTestId("invoice-link")).ToHaveCountAsync(0);
            await Assertions.Expect(panel.GetByTestId("next-card-charge")).ToHaveTextAsync("Nothing to charge for now.");
        });
        await page.ScreenshotAsync("client-card-on-file-dashboard");

        (await _app.InvoiceAsync(firm, second.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        await using var db = _app.OpenDb(firm.Id);
        var payment = await db.Payments.AsNoTracking().SingleAsync(p => p.Allocations.Any(a => a.InvoiceId == second.Id));
        (payment.Method, payment.Status, payment.Amount).ShouldBe((PaymentMethod.Card, PaymentStatus.Succeeded, second.Total));
    }

    private async Task<DateOnly> FirmTodayAsync(TestFirm firm)
    {
        await using var db = _app.OpenDb(firm.Id);
        return (await db.Firms.AsNoTracking().SingleAsync()).LocalToday(_app.Clock.GetUtcNow());
    }

    /// <summary>Moves the app's clock forward until the firm's own calendar shows <paramref name="day"/>.</summary>
    private async Task AdvanceToAsync(TestFirm firm, DateOnly day)
    {
        while (await FirmTodayAsync(firm) < day)
            ((TestClock)_app.Clock).Advance(TimeSpan.FromHours(6));
    }
}
