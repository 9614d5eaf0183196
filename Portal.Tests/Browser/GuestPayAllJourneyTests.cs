using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Domain.Invoices;
using Portal.PayLinks;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>
/// A client with several invoices to pay opens the link over them on a phone, with no account: every invoice is listed
/// and ticked with the total, one card payment on the Stripe sandbox's hosted page pays them all, and the page then
/// says nothing is left to pay.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class GuestPayAllJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly DemoSandboxPortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_guest_on_a_phone_pays_two_invoices_in_one_card_payment()
    {
        Guid firmId;
        await using (var db = _app.OpenDb())
        {
            var demo = await db.Firms.IgnoreQueryFilters().SingleAsync(f => f.Key == Portal.Demo.DemoData.FirmKey);
            demo.ChangeDelivery(emailInvoicesWhenIssued: false, guestPayAllowed: true);
            await db.SaveChangesAsync();
            firmId = demo.Id;
        }
        var dupont = await _app.ClientIdAsync("Maison Dupont");
        string staff;
        await using (var db = _app.OpenDb())
            staff = await db.Users.Where(u => u.Email == "staff@demo.portal").Select(u => u.Id).SingleAsync();
        var demoFirm = new TestFirm(firmId, Portal.Demo.DemoData.FirmKey, null!, new TestLogin(staff, "staff@demo.portal", Portal.Demo.DemoData.Password));
        var client = new TestClient(dupont, demoFirm, "Maison Dupont", Portal.Domain.Currency.EUR, null!);
        var first = await _app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).IssuedAsync();
        var second = await _app.AnInvoice(client).WithLine("Payroll", 1, 120_00).IssuedAsync();
        string token;
        List<string> numbers;
        await using (var db = _app.OpenDb(firmId))
        {
            var account = await db.ClientAccounts.SingleAsync(c => c.Id == dupont);
            await using var scope = _app.Services.CreateAsyncScope();
            (token, _) = scope.ServiceProvider.GetRequiredService<Portal.PayLinks.PayLinks>()
                .IssueForClient(db, account, account.Currency, PayLinkScope.OpenInvoices, "", Guid.Empty);
            await db.SaveChangesAsync();
            numbers = await db.Invoices.Where(i => i.ClientAccountId == dupont && i.Currency == account.Currency
                && (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid)).Select(i => i.Number!).ToListAsync();
        }
        numbers.ShouldContain(first.Number!);
        numbers.ShouldContain(second.Number!);

        var guest = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await guest.GotoAsync($"/pay/{token}");
        await guest.WaitForPageAsync("/pay/guest/all$");
        await Assertions.Expect(guest.GetByTestId("guest-invoice")).ToHaveCountAsync(numbers.Count);
        foreach (var number in new[] { first.Number!, second.Number! })
            await Assertions.Expect(guest.GetByLabel(number, new() { Exact = true })).ToBeCheckedAsync();
        await guest.ScreenshotAsync("guest-pay-all-listed");
        await guest.GetByTestId("guest-pay-selected").ClickAsync();

        await guest.WaitForPageAsync("/sandbox/stripe/pay/");
        await guest.GetByRole(AriaRole.Button, new() { Name = "Pay with card •••• 4242" }).ClickAsync();
        await guest.WaitForPageAsync("/pay/guest/all/payments/");
        await _app.ExplainingFailureAsync(() => Assertions.Expect(guest.GetByTestId("payment-status")).ToContainTextAsync("Paid. Thank you!"));
        await Assertions.Expect(guest.GetByTestId("nothing-left")).ToBeVisibleAsync();
        await guest.ScreenshotAsync("guest-pay-all-paid");
        await using (var db = _app.OpenDb(firmId))
            (await db.Invoices.Where(i => i.Id == first.Id || i.Id == second.Id).Select(i => i.Status).ToListAsync()).ShouldAllBe(s => s == InvoiceStatus.Paid);
    }
}
