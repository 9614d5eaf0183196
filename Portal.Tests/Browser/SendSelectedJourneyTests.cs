using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Domain.Invoices;
using Portal.Email;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>
/// Staff tick invoices on the list and send them in one go: the list marks the client who cannot be emailed before
/// anything is sent, and afterwards says how many went and why each other one did not.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SendSelectedJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Staff_send_selected_invoices_and_see_what_was_sent_and_why_the_others_were_not()
    {
        var firm = await _app.AFirmAsync();
        var dupont = await _app.AClientAsync(firm, name: "Maison Dupont");
        var river = await _app.AClientAsync(firm, name: "Blue River Studio");
        await using (var db = _app.OpenDb(firm.Id))
        {
            (await db.ClientAccounts.SingleAsync(c => c.Id == river.Id)).OptOutOfInvoiceEmails(true);
            await db.SaveChangesAsync();
        }
        var toSend = await _app.AnInvoice(dupont).WithLine("Audit", 1, 300_00).DueInDays(10).IssuedAsync();
        var leftAlone = await _app.AnInvoice(dupont).WithLine("Payroll", 1, 80_00).DueInDays(11).IssuedAsync();
        var paid = await _app.AnInvoice(dupont).WithLine("Filing", 1, 50_00).DueInDays(12).IssuedAsync();
        await _app.PayByTransferAsync(dupont, paid.Id, 50_00);
        var optedOut = await _app.AnInvoice(river).WithLine("Design", 1, 120_00).DueInDays(13).IssuedAsync();

        var staff = await browser.NewPageAsync(_app.BaseUrl);
        await staff.SignInAsync(firm.Staff.Email, firm.Staff.Password);
        await staff.GoToAsync("/staff/invoices");
        await Assertions.Expect(staff.GetByTestId("match-count")).ToHaveTextAsync("4 found");
        // Before any send, the client who opted out is marked on its invoice's row, and only there.
        await Assertions.Expect(staff.GetByTestId("no-email-chip")).ToHaveCountAsync(1);
        await Assertions.Expect(Row(staff, optedOut.Number!).GetByTestId("no-email-chip")).ToHaveTextAsync("Not sent: no email");
        await Assertions.Expect(staff.GetByTestId("send-selected")).ToBeDisabledAsync();

        foreach (var number in new[] { toSend.Number!, paid.Number!, optedOut.Number! })
            await Row(staff, number).Locator("input[type=checkbox]").CheckAsync();
        await Assertions.Expect(staff.GetByTestId("send-selected")).ToHaveTextAsync("Send selected (3)");
        await staff.GetByTestId("send-selected").ClickAsync();

        await Assertions.Expect(staff.GetByTestId("sent-count")).ToHaveTextAsync("Sent: 1");
        var notSent = staff.GetByTestId("not-sent-item");
        await Assertions.Expect(notSent).ToHaveCountAsync(2);
        await Assertions.Expect(notSent.Filter(new() { HasText = paid.Number! })).ToContainTextAsync("Only an invoice that is still due can be sent.");
        await Assertions.Expect(notSent.Filter(new() { HasText = optedOut.Number! })).ToContainTextAsync("Not sent: no email");
        await Assertions.Expect(staff.GetByTestId("send-selected")).ToHaveTextAsync("Send selected (0)");
        await staff.ScreenshotAsync("staff-send-selected");

        // The one sent went to its client with its pay link; nothing went for the others, nor for the invoice not ticked.
        var billing = await BillingEmailAsync(dupont);
        var delivered = await _app.LatestDeliveredToAsync(billing);
        (delivered.Subject ?? "").ShouldContain(toSend.Number!);
        await using (var db = _app.OpenDb(firm.Id))
        {
            (await db.Set<EmailMessage>().CountAsync(m => m.IdempotencyKey!.StartsWith("invoice-sent:"))).ShouldBe(1);
            var sends = await db.Set<InvoiceTimelineEntry>()
                .Where(e => e.Kind == InvoiceTimelineKind.Sent || e.Kind == InvoiceTimelineKind.NotSentNoEmail).ToListAsync();
            sends.Select(e => (e.InvoiceId, e.Kind)).ShouldBe([(toSend.Id, InvoiceTimelineKind.Sent), (optedOut.Id, InvoiceTimelineKind.NotSentNoEmail)], ignoreOrder: true);
            sends.ShouldNotContain(e => e.InvoiceId == leftAlone.Id || e.InvoiceId == paid.Id);
        }
    }

    private static ILocator Row(IPage page, string number) =>
        page.Locator("tr", new() { Has = page.GetByTestId("invoice-link").GetByText(number, new() { Exact = true }) });

    private async Task<string> BillingEmailAsync(TestClient client)
    {
        await using var db = _app.OpenDb(client.Firm.Id);
        return await db.ClientAccounts.Where(c => c.Id == client.Id).Select(c => c.BillingEmail).SingleAsync();
    }
}
