using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Demo;
using Portal.Invoices.Delivery;
using Portal.PayLinks;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>
/// An invoice emailed with its pay link, paid by someone with no account: staff press Send, the client opens the link
/// from the email the app delivered, pays by card on the Stripe sandbox's hosted page and sees it paid; dead links
/// (used up by payment, tampered, revoked, expired) show one page that offers a fresh link.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PayLinkJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly DemoSandboxPortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_client_opens_the_emailed_link_pays_by_card_as_a_guest_and_dead_links_show_one_page()
    {
        var demo = await _app.DemoFirmAsync();
        await using (var db = _app.OpenDb(demo.Id))
        {
            (await db.Firms.SingleAsync()).ChangeDelivery(emailInvoicesWhenIssued: false, guestPayAllowed: true);
            await db.SaveChangesAsync();
        }
        var number = await _app.OldestOpenInvoiceAsync("Maison Dupont");
        var invoiceId = await _app.InvoiceIdAsync(number);

        // Staff send the invoice from its page; the send shows on its timeline.
        var staff = await browser.NewPageAsync(_app.BaseUrl);
        await staff.SignInAsync("staff@demo.portal", DemoData.Password);
        await staff.GoToAsync($"/staff/invoices/{invoiceId}");
        await staff.GetByTestId("send-invoice").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("timeline-Sent")).ToContainTextAsync("accounts@maison-dupont.example");

        // The client opens the link from the email the app delivered, with no account and no sign-in.
        var link = await _app.LinkDeliveredToAsync("accounts@maison-dupont.example", "/pay/");
        var guest = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await guest.GotoAsync(link);
        await guest.WaitForPageAsync("/pay/guest$");
        await Assertions.Expect(guest.GetByTestId("invoice-number")).ToHaveTextAsync(number);
        await guest.ScreenshotAsync("guest-pay-link-invoice");
        await guest.GetByTestId("guest-pay-by-card").ClickAsync();

        await guest.WaitForPageAsync("/sandbox/stripe/pay/");
        await guest.GetByRole(AriaRole.Button, new() { Name = "Pay with card •••• 4242" }).ClickAsync();
        await guest.WaitForPageAsync("/pay/guest/payments/");
        await _app.ExplainingFailureAsync(() => Assertions.Expect(guest.GetByTestId("payment-status")).ToContainTextAsync("Paid. Thank you!"));
        await Assertions.Expect(guest.GetByTestId("invoice-status")).ToHaveTextAsync("Paid");
        await guest.ScreenshotAsync("guest-pay-link-paid");
        // Staff see the link opened and the payment on the invoice's timeline without reloading.
        await _app.ExplainingFailureAsync(() => Assertions.Expect(staff.GetByTestId("timeline-Paid")).ToBeVisibleAsync());
        await Assertions.Expect(staff.GetByTestId("timeline-LinkOpened")).ToBeVisibleAsync();

        // The paid invoice's link is closed now: the dead-link page, which names no invoice.
        var dead = await browser.NewPageAsync(_app.BaseUrl, locale: "fr-FR");
        await dead.GotoAsync(link);
        await Assertions.Expect(dead.GetByTestId("pay-link-invalid")).ToBeVisibleAsync();
        (await dead.ContentAsync()).ShouldNotContain(number);
        await Assertions.Expect(dead.Locator("h1")).ToHaveTextAsync("Ce lien ne fonctionne plus");
        var deadPage = await dead.Locator("main").InnerHTMLAsync();
        await dead.ScreenshotAsync("pay-link-invalid-fr");

        // Tampered, revoked and expired links: the same page, byte for byte.
        await dead.GotoAsync(link[..^3] + "abc");
        (await dead.Locator("main").InnerHTMLAsync()).ShouldBe(deadPage);
        var revoked = await _app.PayLinkForAsync(await _app.OldestOpenInvoiceAsync("Northwind Traders"));
        var northwind = await _app.ClientIdAsync("Northwind Traders");
        await _app.AsStaffOfAsync<Portal.PayLinks.PayLinks, int>(demo, p => p.RevokeAllForClientAsync(northwind));
        await dead.GotoAsync(revoked);
        (await dead.Locator("main").InnerHTMLAsync()).ShouldBe(deadPage);
        var expiring = await _app.PayLinkForAsync(await _app.OldestOpenInvoiceAsync("Blue River Studio"));
        ((TestClock)_app.Clock).Advance(PayLink.Lifetime);
        await dead.GotoAsync(expiring);
        (await dead.Locator("main").InnerHTMLAsync()).ShouldBe(deadPage);

        // "Send me a fresh link" answers with one page whatever was typed.
        await dead.GetByLabel("Votre adresse e-mail").FillAsync("accounts@blueriver.example");
        await dead.GetByTestId("send-fresh-link").ClickAsync();
        await Assertions.Expect(dead.GetByTestId("pay-link-requested")).ToBeVisibleAsync();
        var fresh = await _app.LinkDeliveredToAsync("accounts@blueriver.example", "/pay/");
        fresh.ShouldNotBe(expiring);
        await dead.GotoAsync(fresh);
        await dead.WaitForPageAsync("/pay/guest$");
    }
}
