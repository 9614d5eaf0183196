using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Components.Shared;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;

namespace Portal.Tests.Browser;

/// <summary>
/// Staff correcting money and the client reading it: the reader's language across live updates, refunds that say
/// what they do, manual payments voided or bounced, a payment put on the invoice staff choose.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StaffMoneyJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private readonly StripePortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_French_client_dashboard_stays_French_with_the_same_dates_when_staff_record_a_transfer()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm, name: "Northwind Traders");
        var invoice = await _app.AnInvoice(client).WithLine("Tenue comptable", 1, 6_890_00).DueInDays(12).IssuedAsync();

        var contact = await browser.NewPageAsync(_app.BaseUrl);
        await contact.SignInAsync(client.Contact.Email, client.Contact.Password);
        await contact.GoToAsync("/portal");
        await contact.GetByTestId("culture-switch").ClickAsync();
        await contact.GetByText("Français").ClickAsync();
        await Assertions.Expect(contact.Locator("h1")).ToHaveTextAsync("Bienvenue, Northwind Traders");
        await contact.WaitForInteractiveAsync();
        var dueDate = DateFormat.Show(invoice.DueDate, French);
        dueDate.ShouldContain(".", customMessage: "a French abbreviated month, e.g. « 5 déc. 2026 »");
        await Assertions.Expect(contact.GetByTestId("amount-due-total")).ToHaveTextAsync(Loose(MoneyFormat.Format(client.Amount(6_890_00), French)));
        await Assertions.Expect(contact.GetByTestId("next-due")).ToHaveTextAsync(Loose(dueDate));

        await _app.PayByTransferAsync(client, invoice.Id, 10_00);

        // The page hears the transfer, re-reads, and still speaks French with French amounts and the same date style.
        await Assertions.Expect(contact.GetByTestId("amount-due-total")).ToHaveTextAsync(Loose(MoneyFormat.Format(client.Amount(6_880_00), French)));
        await Assertions.Expect(contact.Locator("h1")).ToHaveTextAsync("Bienvenue, Northwind Traders");
        await Assertions.Expect(contact.GetByTestId("next-due")).ToHaveTextAsync(Loose(dueDate));
        await Assertions.Expect(contact.GetByTestId("invoice-link").Locator("xpath=ancestor::tr")).ToContainTextAsync(Loose(dueDate, whole: false));

        // The statement names the movements in French words, never internal text.
        await contact.GoToAsync("/portal/statement");
        await Assertions.Expect(contact.GetByTestId("statement-line").Last).ToHaveTextAsync($"Virement — {invoice.Number}");
        await Assertions.Expect(contact.GetByTestId("statement-line").First).ToHaveTextAsync($"Facture — {invoice.Number}");
    }

    [Fact]
    public async Task Staff_refund_to_the_card_then_keep_as_credit_and_each_makes_the_invoice_due_again()
    {
        var firm = await _app.AFirmAsync();
        var stripe = await CardPaymentDriver.ConnectAsync(_app, firm);
        var client = await _app.AClientAsync(firm, name: "Northwind Traders");
        var invoice = await _app.AnInvoice(client).WithLine("Quarterly accounts", 1, 540_00).IssuedAsync();
        var card = await stripe.PaidAsync(client, [new(invoice.Id, client.Amount(100_00))]);
        (await _app.InvoiceAsync(firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(440_00));

        var staff = await browser.NewPageAsync(_app.BaseUrl);
        await staff.SignInAsync(firm.Staff.Email, firm.Staff.Password);
        await staff.GoToAsync($"/staff/clients/{client.Id}");
        await staff.GetByTestId("refund-link").ClickAsync();
        await staff.WaitForPageAsync($"/staff/payments/{card.PaymentId}/refund$");
        await Assertions.Expect(staff.GetByTestId("refund-subject")).ToHaveTextAsync($"Northwind Traders · {invoice.Number}");
        await Assertions.Expect(staff.Field("refund-amount")).ToHaveValueAsync("");

        await staff.Field("refund-amount").FillAsync("30");
        await staff.GetByText("Refund to card — the invoice is due again").ClickAsync();
        await staff.GetByTestId("refund-submit").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("refund-confirmation")).ToContainTextAsync($"Refund €30.00 to the card of Northwind Traders? {invoice.Number} will be due again");
        await staff.GetByTestId("refund-confirm").ClickAsync();

        await Assertions.Expect(staff.GetByTestId("already-refunded")).ToHaveTextAsync("€30.00");
        await Assertions.Expect(staff.Field("refund-amount")).ToHaveValueAsync("30");
        (await _app.InvoiceAsync(firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(470_00));
        (await _app.CreditOfAsync(client)).ShouldBe(client.Amount(0));

        await staff.Field("refund-amount").FillAsync("20");
        await staff.GetByText("Keep as credit — the invoice is due again and the client's credit grows").ClickAsync();
        await staff.GetByTestId("refund-submit").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("refund-confirmation")).ToContainTextAsync($"Keep €20.00 as credit for Northwind Traders? {invoice.Number} will be due again");
        await staff.GetByTestId("refund-confirm").ClickAsync();

        await Assertions.Expect(staff.GetByTestId("already-refunded")).ToHaveTextAsync("€50.00");
        var reopened = await _app.InvoiceAsync(firm, invoice.Id);
        (reopened.AmountDue, reopened.Credited).ShouldBe((client.Amount(490_00), client.Amount(0)));
        (await _app.CreditOfAsync(client)).ShouldBe(client.Amount(20_00));
        var ledger = await _app.LedgerShouldBeConsistentAsync(firm);
        // Invoiced 540, the card kept 70: the client owes 490 and holds 20 of credit.
        (ledger.Balance(LedgerAccount.Receivable(client.Id), client.Currency) + ledger.Balance(LedgerAccount.Wallet(client.Id), client.Currency)).ShouldBe(client.Amount(470_00));
        ledger.Balance(LedgerAccount.Revenue, client.Currency).ShouldBe(client.Amount(-540_00));

        await staff.GetByTestId("refund-back").ClickAsync();
        await staff.WaitForPageAsync($"/staff/clients/{client.Id}$");
    }

    [Fact]
    public async Task Staff_mark_a_cheque_as_bounced_and_void_a_transfer_entered_in_error()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm, name: "Harbour Bakery");
        var invoice = await _app.AnInvoice(client).WithLine("Annual accounts", 1, 200_00).IssuedAsync();
        var cheque = await _app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(firm, s => s.RecordAsync(new(client.Id, PaymentMethod.Cheque, client.Amount(150_00),
            [new(invoice.Id, client.Amount(120_00))], SurplusToCredit: true, "CHQ 77", MoneyChecks.NewKey())));

        var staff = await browser.NewPageAsync(_app.BaseUrl);
        await staff.SignInAsync(firm.Staff.Email, firm.Staff.Password);
        await staff.GoToAsync($"/staff/clients/{client.Id}");
        await staff.GetByTestId("correct-link").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("correction-subject")).ToContainTextAsync("Harbour Bakery · Cheque CHQ 77 · €150.00");
        await staff.GetByText("Mark as bounced", new() { Exact = true }).ClickAsync();
        await staff.Field("correction-reason").FillAsync("Returned unpaid: insufficient funds");
        await staff.GetByTestId("correction-review").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("correction-confirmation")).ToContainTextAsync($"Mark Cheque CHQ 77 of €150.00 from Harbour Bakery as bounced? What it paid will be due again ({invoice.Number}) and €30.00 of credit");
        await staff.GetByTestId("correction-confirm").ClickAsync();

        await staff.WaitForPageAsync($"/staff/clients/{client.Id}$");
        await Assertions.Expect(staff.GetByTestId("client-payments").GetByTestId("payment-status")).ToContainTextAsync(["Bounced"]);
        await Assertions.Expect(staff.GetByTestId("correct-link")).ToHaveCountAsync(0);
        await Assertions.Expect(staff.GetByTestId("statement-line").Last).ToHaveTextAsync($"Cheque returned unpaid — {invoice.Number}");
        var reopened = await _app.InvoiceAsync(firm, invoice.Id);
        (reopened.Status, reopened.AmountDue).ShouldBe((InvoiceStatus.Open, client.Amount(200_00)));
        (await _app.CreditOfAsync(client)).ShouldBe(client.Amount(0));

        var transfer = await _app.PayByTransferAsync(client, invoice.Id, 50_00);
        await Assertions.Expect(staff.GetByTestId("correct-link")).ToHaveCountAsync(1);
        await staff.GetByTestId("correct-link").ClickAsync();
        await staff.GetByText("Entered in error — void it").ClickAsync();
        await staff.Field("correction-reason").FillAsync("Recorded against the wrong client");
        await staff.GetByTestId("correction-review").ClickAsync();
        await Assertions.Expect(staff.GetByTestId("correction-confirmation")).ToContainTextAsync("Void Bank transfer");
        await staff.GetByTestId("correction-confirm").ClickAsync();

        await staff.WaitForPageAsync($"/staff/clients/{client.Id}$");
        await Assertions.Expect(staff.GetByTestId("correct-link")).ToHaveCountAsync(0);
        // Newest first: the voided transfer, then the bounced cheque, each saying which.
        await Assertions.Expect(staff.GetByTestId("client-payments").GetByTestId("payment-status")).ToContainTextAsync(["Voided", "Bounced"]);
        (await _app.InvoiceAsync(firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(200_00));
        var ledger = await _app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Bank, client.Currency).ShouldBe(client.Amount(0));
        await using var db = _app.OpenDb(firm.Id);
        (await db.Payments.SingleAsync(p => p.Id == transfer)).ReversalReason.ShouldBe(ReversalReason.EnteredInError);
        (await db.Payments.SingleAsync(p => p.Id == cheque.Id)).ReversalReason.ShouldBe(ReversalReason.Bounced);
    }

    [Fact]
    public async Task Staff_record_300_on_the_one_invoice_they_choose()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm, name: "Quayside Florist");
        var oldest = await _app.AnInvoice(client).WithLine("January bookkeeping", 1, 2_000_00).IssuedDaysAgo(40).IssuedAsync();
        var chosen = await _app.AnInvoice(client).WithLine("February bookkeeping", 1, 3_290_00).IssuedDaysAgo(10).IssuedAsync();

        var staff = await browser.NewPageAsync(_app.BaseUrl);
        await staff.SignInAsync(firm.Staff.Email, firm.Staff.Password);
        await staff.GoToAsync($"/staff/clients/{client.Id}/payments/new");
        // Nothing is put on any invoice until staff say so.
        await Assertions.Expect(staff.Field($"allocate-{oldest.Number}")).ToHaveValueAsync("");
        await Assertions.Expect(staff.Field($"allocate-{chosen.Number}")).ToHaveValueAsync("");
        await staff.Field("payment-amount").FillAsync("300");
        await staff.Field($"allocate-{chosen.Number}").FillAsync("350");
        await Assertions.Expect(staff.GetByTestId("allocation-summary")).ToHaveTextAsync("€350.00 put on invoices is €50.00 more than the €300.00 received.");
        await Assertions.Expect(staff.GetByTestId("record-payment")).ToBeDisabledAsync();
        await staff.Field($"allocate-{chosen.Number}").FillAsync("300");
        await Assertions.Expect(staff.GetByTestId("allocation-summary")).ToHaveTextAsync("€300.00 of €300.00 put on invoices; €0.00 left for credit.");
        await staff.GetByTestId("record-payment").ClickAsync();

        await staff.WaitForPageAsync($"/staff/clients/{client.Id}$");
        await Assertions.Expect(staff.GetByTestId("client-payment")).ToHaveCountAsync(1);
        (await _app.InvoiceAsync(firm, oldest.Id)).AmountDue.ShouldBe(client.Amount(2_000_00));
        (await _app.InvoiceAsync(firm, chosen.Id)).AmountDue.ShouldBe(client.Amount(2_990_00));
        await _app.LedgerShouldBeConsistentAsync(firm);
    }

    /// <summary>Matches the text with any kind of space where it has one: French amounts use narrow no-break spaces.</summary>
    private static Regex Loose(string text, bool whole = true)
    {
        var pattern = Regex.Replace(Regex.Escape(text), @"(\\ |\u00A0|\u202F)", "\\s");
        return new(whole ? "^" + pattern + "$" : pattern);
    }
}
