using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;
using Portal.Demo;
using Portal.Domain;
using Portal.Tests.Documents;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>
/// An invoice from issue to receipt, through a real mail server: staff issue and send it, the client opens the pay
/// link from the email (the one its PDF carries too), pays by card on the Stripe sandbox's hosted page, the invoice
/// shows paid and the receipt arrives with its PDF.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InvoiceToReceiptJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private const string Billing = "accounts@maison-dupont.example";
    private readonly MailingDemoApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Staff_issue_and_send_the_client_pays_from_the_emailed_link_and_gets_the_receipt_with_its_pdf()
    {
        // The invoice PDF is rendered when the email goes out, by the sender in the background: links come from the
        // configured public address there, as in production.
        _app.Services.GetRequiredService<IConfiguration>()["Portal:PublicBaseUrl"] = _app.BaseUrl.ToString();
        var dupontId = await _app.ClientIdAsync("Maison Dupont");
        await using (var db = _app.OpenDb())
        {
            var demo = await db.Firms.IgnoreQueryFilters().SingleAsync(f => f.Key == "demo");
            demo.ChangeDelivery(emailInvoicesWhenIssued: false, guestPayAllowed: true);
            await db.SaveChangesAsync();
        }
        var firm = new TestFirm(await FirmIdAsync(), "demo", default!, default!);
        var dupont = new TestClient(dupontId, firm, "Maison Dupont", Currency.EUR, default!);
        var draft = await _app.AnInvoice(dupont).WithLine("Quarterly bookkeeping", 1, 420_00).DraftAsync();

        // Staff issue and send it from its page.
        var staff = await browser.NewPageAsync(_app.BaseUrl);
        await staff.SignInAsync("staff@demo.portal", DemoData.Password);
        await staff.GoToAsync($"/staff/invoices/{draft.Id}");
        await staff.GetByTestId("issue-and-send").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("timeline-Sent")).ToContainTextAsync(Billing);
        var number = await NumberAsync(draft.Id);

        // The mail server has the email, with the pay link and the invoice PDF whose "Pay online" is that same link.
        var email = (await _app.Smtp.WaitForAsync(Billing)).ShouldHaveSingleItem();
        (email.Subject ?? "").ShouldContain(number);
        var link = Regex.Match(email.TextBody ?? "", @"https?://\S+/pay/[A-Za-z0-9_-]{43}").Value;
        link.ShouldNotBeEmpty(email.TextBody);
        var invoicePdf = await PdfAttachedAsync(email, $"Invoice-{number}.pdf");
        invoicePdf.Links.ShouldContain(l => l.Uri == link);
        invoicePdf.QrCodes.ShouldContain(link);

        // The client opens it with no account, pays by card on the sandbox's hosted page and sees the invoice paid.
        var client = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await client.GotoAsync(link);
        await client.WaitForPageAsync("/pay/guest$");
        await Assertions.Expect(client.GetByTestId("invoice-number")).ToHaveTextAsync(number);
        await client.GetByTestId("guest-pay-by-card").ClickAsync();
        await client.WaitForPageAsync("/sandbox/stripe/pay/");
        await client.GetByRole(AriaRole.Button, new() { Name = "Pay with card •••• 4242" }).ClickAsync();
        await client.WaitForPageAsync("/pay/guest/payments/");
        await _app.ExplainingFailureAsync(() => Assertions.Expect(client.GetByTestId("payment-status")).ToContainTextAsync("Paid. Thank you!"));
        await Assertions.Expect(client.GetByTestId("invoice-status")).ToHaveTextAsync("Paid");
        // Staff see it paid on the invoice they sent, without reloading.
        await _app.ExplainingFailureAsync(() => Assertions.Expect(staff.GetByTestId("timeline-Paid")).ToBeVisibleAsync());

        // The receipt follows the invoice email to the same mailbox, once, with its PDF.
        var emails = await _app.Smtp.WaitForAsync(Billing, count: 2, timeout: TimeSpan.FromSeconds(90));
        emails.Count.ShouldBe(2);
        var receipt = emails[1];
        (receipt.Subject ?? "").ShouldStartWith("Payment received: €420.00");
        var attachment = receipt.Attachments.OfType<MimePart>().ShouldHaveSingleItem();
        attachment.FileName.ShouldStartWith("Receipt-");
        var receiptPdf = await PdfAttachedAsync(receipt, attachment.FileName);
        receiptPdf.Shows(number).ShouldBeTrue(receiptPdf.Text);
        receiptPdf.Shows("€420.00").ShouldBeTrue(receiptPdf.Text);
    }

    private static async Task<PdfReading> PdfAttachedAsync(MimeMessage email, string fileName)
    {
        var part = email.Attachments.OfType<MimePart>().Single(a => a.FileName == fileName);
        part.ContentType.MimeType.ShouldBe("application/pdf");
        using var content = new MemoryStream();
        await part.Content!.DecodeToAsync(content);
        return PdfReading.Of(content.ToArray());
    }

    private async Task<Guid> FirmIdAsync()
    {
        await using var db = _app.OpenDb();
        return await db.Firms.IgnoreQueryFilters().Where(f => f.Key == "demo").Select(f => f.Id).SingleAsync();
    }

    private async Task<string> NumberAsync(Guid invoiceId)
    {
        await using var db = _app.OpenDb();
        return (await db.Invoices.IgnoreQueryFilters().Where(i => i.Id == invoiceId).Select(i => i.Number).SingleAsync())!;
    }
}
