using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>Staff use a client's credit on an invoice; the client sees the invoice paid and the credit reduced.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CreditJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Staff_apply_credit_and_the_client_sees_the_invoice_paid_and_less_credit()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm, name: "Harbour Bakery");
        var invoice = await _app.AnInvoice(client).WithLine("Quarterly bookkeeping", 1, 120_00).IssuedAsync();
        await _app.GiveCreditAsync(client, 200_00);

        var staff = await browser.NewPageAsync(_app.BaseUrl);
        await staff.SignInAsync(firm.Staff.Email, firm.Staff.Password);
        await staff.GoToAsync($"/staff/invoices/{invoice.Id}");
        await Assertions.Expect(staff.GetByTestId("apply-credit")).ToContainTextAsync("€200.00");
        await Assertions.Expect(staff.Field("credit-amount")).ToHaveValueAsync("120");
        await staff.GetByTestId("apply-credit-button").ClickAsync();

        await Assertions.Expect(staff.GetByTestId("invoice-status")).ToHaveTextAsync("Paid");
        await Assertions.Expect(staff.GetByTestId("apply-credit")).ToHaveCountAsync(0);
        await Assertions.Expect(staff.GetByTestId("invoice-payment")).ToContainTextAsync("Credit");

        var contact = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await contact.SignInAsync(client.Contact.Email, client.Contact.Password);
        await Assertions.Expect(contact.GetByTestId("credit-balance")).ToHaveTextAsync("€80.00");
        await contact.GoToAsync($"/portal/invoices/{invoice.Id}");
        await Assertions.Expect(contact.GetByTestId("invoice-status")).ToHaveTextAsync("Paid");
        await contact.GoToAsync("/portal/statement");
        await Assertions.Expect(contact.GetByTestId("statement-closing")).ToHaveTextAsync(new Regex("^-€80\\.00$|^€-80\\.00$|^\\(€80\\.00\\)$"));
        await contact.ScreenshotAsync("client-statement");
    }

    [Fact]
    public async Task Staff_record_a_transfer_that_pays_the_oldest_invoice_and_part_of_the_next()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm, name: "Quayside Florist");
        var oldest = await _app.AnInvoice(client).WithLine("January bookkeeping", 1, 100_00).IssuedDaysAgo(40).IssuedAsync();
        var newer = await _app.AnInvoice(client).WithLine("February bookkeeping", 1, 50_00).IssuedDaysAgo(10).IssuedAsync();

        var staff = await browser.NewPageAsync(_app.BaseUrl);
        await staff.SignInAsync(firm.Staff.Email, firm.Staff.Password);
        await staff.GoToAsync($"/staff/clients/{client.Id}");
        await staff.GetByTestId("record-payment-link").ClickAsync();
        await staff.WaitForPageAsync("/payments/new$");
        await staff.WaitForInteractiveAsync();
        await staff.Field("payment-amount").FillAsync("120");
        await staff.Field("payment-reference").FillAsync("Transfer QF-88");
        await staff.GetByTestId("oldest-first").ClickAsync();
        // Record only once the page shows it has the amount and where it goes: a click the page has not caught up
        // with would record something else, or nothing.
        await Assertions.Expect(staff.GetByTestId("allocation-summary")).ToHaveTextAsync("€120.00 of €120.00 put on invoices; €0.00 left for credit.");
        await Assertions.Expect(staff.Field($"allocate-{newer.Number}")).ToHaveValueAsync("20");
        await staff.GetByTestId("record-payment").ClickAsync();

        await staff.WaitForPageAsync($"/staff/clients/{client.Id}$");
        await Assertions.Expect(staff.GetByTestId("client-payment")).ToHaveCountAsync(1);
        await Assertions.Expect(staff.GetByTestId("client-payments")).ToContainTextAsync("Transfer QF-88");
        await Assertions.Expect(staff.GetByTestId("statement-closing")).ToHaveTextAsync("€30.00");
        await using var db = _app.OpenDb(firm.Id);
        (await db.Invoices.FindAsync(oldest.Id))!.Status.ShouldBe(Portal.Domain.Invoices.InvoiceStatus.Paid);
        var partly = (await db.Invoices.FindAsync(newer.Id))!;
        (partly.Status, partly.AmountDue).ShouldBe((Portal.Domain.Invoices.InvoiceStatus.PartiallyPaid, client.Amount(30_00)));
        await staff.ScreenshotAsync("staff-client-detail");
    }
}
