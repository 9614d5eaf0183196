using Microsoft.Playwright;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>An owner writes off part of an invoice: reviews, backs out, confirms, and sees what is due and the credit note.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WriteOffJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Owner_writes_off_part_of_an_invoice_and_sees_the_amount_due_and_the_credit_note()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm, name: "Harbour Bakery");
        var invoice = await _app.AnInvoice(client).WithLine("Annual accounts", 1, 100_00, 2000).IssuedAsync();
        await _app.PayByTransferAsync(client, invoice.Id, 20_00);
        await _app.GiveCreditAsync(client, 15_00);

        var owner = await browser.NewPageAsync(_app.BaseUrl);
        await owner.SignInAsync(firm.Owner.Email, firm.Owner.Password);
        await owner.GoToAsync($"/staff/invoices/{invoice.Id}");
        await Assertions.Expect(owner.GetByTestId("amount-due")).ToHaveTextAsync("€100.00");
        await owner.Field("write-off-amount").FillAsync("30");
        await owner.Field("write-off-reason").FillAsync("Agreed discount after complaint");
        await owner.GetByTestId("write-off-review").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("write-off-confirmation"))
            .ToContainTextAsync($"Write off €30.00 of invoice {invoice.Number} for Harbour Bakery? A credit note will be issued and €30.00 will no longer be due on {invoice.Number}.");

        // Back changes nothing and keeps what was typed.
        await owner.GetByTestId("write-off-back").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("write-off-confirmation")).ToHaveCountAsync(0);
        await Assertions.Expect(owner.Field("write-off-amount")).ToHaveValueAsync("30");
        (await _app.InvoiceAsync(firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(100_00));

        await owner.GetByTestId("write-off-review").ClickAsync();
        await owner.GetByTestId("write-off-confirm").ClickAsync();

        await Assertions.Expect(owner.GetByTestId("amount-due")).ToHaveTextAsync("€70.00");
        await Assertions.Expect(owner.GetByTestId("credit-note-number")).ToHaveTextAsync("AV-00001");
        await Assertions.Expect(owner.GetByTestId("credit-note-amount")).ToHaveTextAsync("€30.00");
        await Assertions.Expect(owner.GetByTestId("credit-note-row")).ToContainTextAsync("Written off: Agreed discount after complaint");
        await Assertions.Expect(owner.GetByTestId("invoice-credited")).ToHaveTextAsync("−€30.00");
        await owner.ScreenshotAsync("staff-write-off");

        var download = await owner.RunAndWaitForDownloadAsync(() => owner.GetByTestId("credit-note-pdf").ClickAsync());
        download.SuggestedFilename.ShouldBe("Credit-note-AV-00001.pdf");
        (await _app.CreditOfAsync(client)).ShouldBe(client.Amount(15_00));
        await _app.LedgerShouldBeConsistentAsync(firm);
    }
}
