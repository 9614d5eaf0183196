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
}
