using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Shared;
using Portal.Books;
using Portal.Deposits;
using Portal.Documents;
using Portal.Domain;
using Portal.Domain.Books;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Ledger;
using Portal.Payments;
using Portal.Providers.Stripe;
using Portal.Tests.Documents;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Portal.Wallets;
using EventTypes = Stripe.EventTypes;

namespace Portal.Tests.Deposits;

/// <summary>
/// Deposit invoices (decision 0027) end to end: card prepayments through the Stripe sandbox and its signed webhooks,
/// credit used on invoices, PDFs read back with PdfPig, downloads over HTTP.
/// </summary>
public sealed class DepositInvoiceTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    private static string Eur(long minor, CultureInfo? culture = null) => MoneyFormat.Format(new Money(minor, Currency.EUR), culture ?? English);

    /// <summary>A French firm (it has a SIREN, so deposit invoices are on for prepayments by default) taking cards on the sandbox.</summary>
    private async Task<(CardPaymentDriver Stripe, TestClient Client)> AFrenchFirmTakingCardsAsync()
    {
        var firm = await app.AFirmAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity);
        var key = StripePortalApp.NewSandboxKey();
        // With a known signing secret, which the sandbox then signs with too: a test can send an event again itself.
        await app.ConnectStripeAsync(firm, ProviderMode.Sandbox, key);
        return (new CardPaymentDriver(app, firm, key), await app.AClientAsync(firm));
    }

    private async Task<List<DepositInvoice>> DepositsAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.DepositInvoices.AsNoTracking().OrderBy(d => d.Number).ToListAsync();
    }

    private async Task<List<DepositDeduction>> DeductionsAsync(TestFirm firm, Guid invoiceId)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.DepositDeductions.AsNoTracking().Where(d => d.InvoiceId == invoiceId).OrderBy(d => d.At).ToListAsync();
    }

    /// <summary>Waits until the sandbox's completed-checkout webhooks for the firm have reached the inbox, <paramref name="count"/> in all.</summary>
    private async Task CompletedEventsArriveAsync(TestFirm firm, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await app.InboxAsync()).Count(e => e.FirmId == firm.Id && e.Type == EventTypes.CheckoutSessionCompleted) < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{count} completed checkouts never reached the inbox.");
            await Task.Delay(50);
        }
    }

    private Task UseCreditAsync(TestClient client, Guid invoiceId, long minor) =>
        app.AsStaffOfAsync<CreditSpender, MoneyResult>(client.Firm, s => s.ApplyAsync(new CreditUse(invoiceId, client.Amount(minor), MoneyChecks.NewKey())));

    [Fact]
    public async Task A_card_prepayment_gets_one_numbered_deposit_invoice_with_its_vat_when_it_settles_not_when_it_starts()
    {
        var (stripe, client) = await AFrenchFirmTakingCardsAsync();

        var checkout = await stripe.StartAsync(client, [], client.Amount(100_00));
        (await DepositsAsync(client.Firm)).ShouldBeEmpty();
        await stripe.ChooseAsync(checkout, "pay");
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted);

        var deposit = (await DepositsAsync(client.Firm)).ShouldHaveSingleItem();
        deposit.Number.ShouldBe("AC-00001");
        deposit.PaymentId.ShouldBe(checkout.PaymentId);
        deposit.ClientAccountId.ShouldBe(client.Id);
        deposit.Date.ShouldBe(app.Today);
        // 100.00 received at 20 %: VAT = 100.00 × 20 / 120 = 16.666… → 16.67 (half away from zero); net = the rest.
        (deposit.Total, deposit.Net, deposit.Tax, deposit.TaxRateBasisPoints).ShouldBe((client.Amount(100_00), client.Amount(83_33), client.Amount(16_67), 2000));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(100_00));

        using var staff = await app.SignInAsync(client.Firm.Staff);
        var download = await staff.DownloadAsync($"/staff/deposit-invoices/{deposit.Id}/pdf");
        download.Status.ShouldBe(HttpStatusCode.OK);
        download.FileName.ShouldBe("Deposit-invoice-AC-00001.pdf");
        var pdf = PdfReading.Of(download.Content);
        pdf.Shows("Deposit invoice AC-00001").ShouldBeTrue(pdf.Text);
        pdf.Shows("Cabinet Martin SAS").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Total excl. tax{Eur(83_33)}").ShouldBeTrue(pdf.Text);
        pdf.Shows($"VAT 20%{Eur(16_67)}").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Deposit received incl. tax{Eur(100_00)}").ShouldBeTrue(pdf.Text);

        var french = await app.RenderAsStaffAsync(client.Firm, DocumentKind.DepositInvoice, deposit.Id, "fr");
        french.Shows("Facture d'acompte AC-00001").ShouldBeTrue(french.Text);
        french.Shows($"Acompte reçu TTC{Eur(100_00, French)}").ShouldBeTrue(french.Text);
    }

    [Fact]
    public async Task The_settlement_webhook_replayed_or_sent_again_under_another_id_issues_no_second_deposit_invoice()
    {
        var (stripe, client) = await AFrenchFirmTakingCardsAsync();
        await stripe.PaidAsync(client, [], client.Amount(60_00));
        var completed = (await app.InboxAsync()).Single(e => e.FirmId == client.Firm.Id && e.Type == EventTypes.CheckoutSessionCompleted);

        // The same delivery again, then the same event under a new id (as a second report of the same payment would come).
        (await app.PostStripeEventAsync(client.Firm.Key, completed.Body)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var again = JsonNode.Parse(completed.Body)!;
        again["id"] = "evt_again_" + Guid.NewGuid().ToString("N")[..16];
        (await app.PostStripeEventAsync(client.Firm.Key, again.ToJsonString())).StatusCode.ShouldBe(HttpStatusCode.OK);
        await app.ProcessWebhooksAsync();

        (await app.InboxAsync()).Count(e => e.FirmId == client.Firm.Id && e.Type == EventTypes.CheckoutSessionCompleted).ShouldBe(2);
        (await DepositsAsync(client.Firm)).ShouldHaveSingleItem().Total.ShouldBe(client.Amount(60_00));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(60_00));

        // The next deposit takes the next number: nothing was taken by the replays.
        var next = await stripe.StartAsync(client, [], client.Amount(30_00));
        await stripe.ChooseAsync(next, "pay");
        await CompletedEventsArriveAsync(client.Firm, 3);
        await app.ProcessWebhooksAsync();
        (await DepositsAsync(client.Firm)).Select(d => d.Number).ShouldBe(["AC-00001", "AC-00002"]);
    }

    [Fact]
    public async Task With_the_setting_off_or_for_a_firm_that_is_not_french_a_prepayment_gets_no_deposit_invoice()
    {
        var (stripe, client) = await AFrenchFirmTakingCardsAsync();
        await app.AsStaffOfAsync<DepositInvoicing>(client.Firm, s => s.SaveSettingsAsync(DepositInvoiceMode.Off, 2000));

        await stripe.PaidAsync(client, [], client.Amount(80_00));

        (await DepositsAsync(client.Firm)).ShouldBeEmpty();
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(80_00));

        // A firm without a SIREN starts with deposit invoices off; staff recording a prepayment issue none.
        var (elsewhere, theirs) = await app.AFirmWithAClientAsync();
        (await app.AsStaffOfAsync<DepositInvoicing, DepositInvoiceSettings>(elsewhere, s => s.SettingsAsync())).Mode.ShouldBe(DepositInvoiceMode.Off);
        await app.GiveCreditAsync(theirs, 50_00);
        (await DepositsAsync(elsewhere)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_rate_outside_0_to_100_percent_is_refused_and_changes_nothing()
    {
        var (_, client) = await AFrenchFirmTakingCardsAsync();
        await app.AsStaffOfAsync<DepositInvoicing>(client.Firm, s => s.SaveSettingsAsync(DepositInvoiceMode.AllAdvances, 550));

        var refused = await Should.ThrowAsync<DomainException>(() =>
            app.AsStaffOfAsync<DepositInvoicing>(client.Firm, s => s.SaveSettingsAsync(DepositInvoiceMode.Off, 100_01)));

        refused.Message.ShouldBe("The VAT rate on deposits must be between 0 % and 100 %.");
        var kept = await app.AsStaffOfAsync<DepositInvoicing, DepositInvoiceSettings>(client.Firm, s => s.SettingsAsync());
        (kept.Mode, kept.VatRateBasisPoints).ShouldBe((DepositInvoiceMode.AllAdvances, 550));

        // The owners' page shows the setting; staff do not reach it.
        using var owner = await app.SignInAsync(client.Firm.Owner);
        var (status, html) = await owner.GetPageAsync("/books/settings");
        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("data-testid=\"deposit-invoice-settings\"");
        html.ShouldContain("For all advances");
        using var staff = await app.SignInAsync(client.Firm.Staff);
        (await staff.GetPageAsync("/books/settings")).Html.ShouldNotContain("deposit-invoice-settings");
    }

    [Fact]
    public async Task For_prepayments_an_overpayment_gets_none_and_for_all_advances_it_does_at_the_chosen_rate()
    {
        var (_, client) = await AFrenchFirmTakingCardsAsync();
        var invoice = await app.AnInvoice(client).WithLine("Bookkeeping", 1, 100_00, 2000).IssuedAsync();
        var recorder = (Guid invoiceId, long minor) => app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(client.Firm, s => s.RecordAsync(new(client.Id,
            PaymentMethod.BankTransfer, client.Amount(minor), [new InvoiceAmount(invoiceId, client.Amount(100_00))], SurplusToCredit: true, "Overpaid", MoneyChecks.NewKey())));

        // 150.00 on an invoice of 120.00 asked to take 100.00: 50.00 lands in credit, an overpayment.
        await recorder(invoice.Id, 150_00);
        (await DepositsAsync(client.Firm)).ShouldBeEmpty();
        // Recorded wholly as credit, a transfer is a prepayment.
        await app.GiveCreditAsync(client, 40_00);
        (await DepositsAsync(client.Firm)).ShouldHaveSingleItem().Total.ShouldBe(client.Amount(40_00));

        await app.AsStaffOfAsync<DepositInvoicing>(client.Firm, s => s.SaveSettingsAsync(DepositInvoiceMode.AllAdvances, 550));
        var other = await app.AnInvoice(client).WithLine("Payroll", 1, 100_00, 2000).IssuedAsync();
        await recorder(other.Id, 121_00);

        var overpaid = (await DepositsAsync(client.Firm)).Last();
        overpaid.Number.ShouldBe("AC-00002");
        // 21.00 at 5.5 %: VAT = 21.00 × 5.5 / 105.5 = 1.0947… → 1.09.
        (overpaid.Total, overpaid.Tax, overpaid.Net, overpaid.Method).ShouldBe((client.Amount(21_00), client.Amount(1_09), client.Amount(19_91), PaymentMethod.BankTransfer));
    }

    [Fact]
    public async Task Credit_from_a_deposit_used_on_invoices_is_deducted_with_its_number_and_vat_and_the_invoice_totals_stay_as_issued()
    {
        var (stripe, client) = await AFrenchFirmTakingCardsAsync();
        await stripe.PaidAsync(client, [], client.Amount(100_00));
        var first = await app.AnInvoice(client).WithLine("Annual accounts", 1, 150_00, 2000).IssuedAsync();
        var second = await app.AnInvoice(client).WithLine("Payroll", 1, 100_00, 2000).IssuedAsync();

        await UseCreditAsync(client, first.Id, 30_00);
        await UseCreditAsync(client, second.Id, 70_00);

        // Deposit AC-00001: 100.00 = 83.33 + 16.67. The tax taken so far is always 16.67 × used ÷ 100.00, rounded:
        // 30.00 takes 5.00 (5.001), then 70.00 takes the rest, 11.67; together exactly the deposit's net and VAT.
        var onFirst = (await DeductionsAsync(client.Firm, first.Id)).ShouldHaveSingleItem();
        (onFirst.DepositNumber, onFirst.Total, onFirst.Net, onFirst.Tax).ShouldBe(("AC-00001", client.Amount(30_00), client.Amount(25_00), client.Amount(5_00)));
        var onSecond = (await DeductionsAsync(client.Firm, second.Id)).ShouldHaveSingleItem();
        (onSecond.Total, onSecond.Net, onSecond.Tax).ShouldBe((client.Amount(70_00), client.Amount(58_33), client.Amount(11_67)));
        (await DepositsAsync(client.Firm)).ShouldHaveSingleItem().Remaining.ShouldBe(client.Amount(0));
        var stored = await app.InvoiceAsync(client.Firm, first.Id);
        (stored.Total, stored.Tax, stored.AmountDue).ShouldBe((client.Amount(180_00), client.Amount(30_00), client.Amount(150_00)));

        var pdf = await app.RenderAsStaffAsync(client.Firm, DocumentKind.Invoice, first.Id);
        pdf.Shows($"Total incl. tax{Eur(180_00)}").ShouldBeTrue(pdf.Text);
        pdf.Shows("Deposits deducted").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Deposit AC-00001 excl. tax{Eur(-25_00)}").ShouldBeTrue(pdf.Text);
        pdf.Shows($"VAT on deposit AC-00001 (20%){Eur(-5_00)}").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Net to pay after deposits{Eur(150_00)}").ShouldBeTrue(pdf.Text);
        pdf.Shows("Already paid").ShouldBeFalse(pdf.Text);
        var french = await app.RenderAsStaffAsync(client.Firm, DocumentKind.Invoice, first.Id, "fr");
        french.Shows($"TVA sur acompte AC-00001 (20 %){Eur(-5_00, French)}").ShouldBeTrue(french.Text);

        using var contact = await app.SignInAsync(client.Contact);
        var (status, html) = await contact.GetPageAsync($"/portal/invoices/{first.Id}");
        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("data-testid=\"deposits-deducted\"");
        html.ShouldContain("AC-00001");
    }

    [Fact]
    public async Task Staff_and_the_client_see_and_download_the_deposit_invoice_and_nobody_else_can()
    {
        var (stripe, client) = await AFrenchFirmTakingCardsAsync();
        await stripe.PaidAsync(client, [], client.Amount(100_00));
        var deposit = (await DepositsAsync(client.Firm)).ShouldHaveSingleItem();
        var other = await app.AClientAsync(client.Firm);
        var (elsewhere, _) = await app.AFirmWithAClientAsync();
        using var staff = await app.SignInAsync(client.Firm.Staff);
        using var contact = await app.SignInAsync(client.Contact);
        using var otherContact = await app.SignInAsync(other.Contact);
        using var otherStaff = await app.SignInAsync(elsewhere.Staff);

        (await staff.GetPageAsync($"/staff/clients/{client.Id}")).Html.ShouldContain("AC-00001");
        var dashboard = await contact.GetPageAsync("/portal");
        dashboard.Html.ShouldContain("AC-00001");
        dashboard.Html.ShouldContain($"/portal/deposit-invoices/{deposit.Id}/pdf");
        (await otherContact.GetPageAsync("/portal")).Html.ShouldNotContain("AC-00001");

        var own = await contact.DownloadAsync($"/portal/deposit-invoices/{deposit.Id}/pdf");
        own.Status.ShouldBe(HttpStatusCode.OK);
        PdfReading.Of(own.Content).Shows("Deposit invoice AC-00001").ShouldBeTrue();
        (await otherContact.DownloadAsync($"/portal/deposit-invoices/{deposit.Id}/pdf")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await otherStaff.DownloadAsync($"/staff/deposit-invoices/{deposit.Id}/pdf")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await contact.DownloadAsync($"/staff/deposit-invoices/{deposit.Id}/pdf")).Status.ShouldNotBe(HttpStatusCode.OK);
        (await staff.DownloadAsync($"/staff/deposit-invoices/{Guid.NewGuid()}/pdf")).Status.ShouldBe(HttpStatusCode.NotFound);
    }
    [Fact]
    public async Task The_books_collect_the_deposits_vat_on_receipt_and_take_it_back_when_the_deposit_is_used()
    {
        var (stripe, client) = await AFrenchFirmTakingCardsAsync();
        await stripe.PaidAsync(client, [], client.Amount(100_00));
        var invoice = await app.AnInvoice(client).WithLine("Annual accounts", 1, 150_00, 2000).IssuedAsync();
        await UseCreditAsync(client, invoice.Id, 30_00);
        var deposit = (await DepositsAsync(client.Firm)).ShouldHaveSingleItem();
        var used = (await DeductionsAsync(client.Firm, invoice.Id)).ShouldHaveSingleItem();
        var month = AccountingPeriod.Of(app.Today);

        var entries = new List<JournalEntry>();
        await app.AsStaffOfAsync<JournalEntries>(client.Firm, async journal =>
        {
            await foreach (var entry in journal.ReadAsync(month, month))
                entries.Add(entry);
        });

        entries.ShouldAllBe(e => e.Balances);
        // Received: the card's clearing account takes the 100.00, the client's prepayments account the net, VAT collected the VAT.
        var received = entries.Single(e => e.TransactionId == deposit.LedgerTransactionId);
        received.Reference.ShouldBe("AC-00001");
        received.Lines.Where(l => l.Account is "4191" or "44571").Select(l => (l.Account, l.DebitMinor, l.CreditMinor)).OrderBy(l => l.Account)
            .ShouldBe([("4191", 0L, 83_33L), ("44571", 0L, 16_67L)]);
        // Used on the invoice: 30.00 leaves the client's credit as 25.00 net and 5.00 of VAT taken back; the client account is credited 30.00.
        var applied = entries.Single(e => e.TransactionId == used.LedgerTransactionId);
        applied.Lines.Select(l => (l.Account, l.DebitMinor, l.CreditMinor)).OrderBy(l => l.Account)
            .ShouldBe([("411", 0L, 30_00L), ("4191", 25_00L, 0L), ("44571", 5_00L, 0L)]);

        // The trial balance agrees with the entries: VAT collected = the invoice's 30.00 + the 11.67 of deposit VAT not yet
        // used; the prepayments account holds the 58.33 net of the 70.00 still in credit.
        var balance = await app.AsStaffOfAsync<BooksReports, IReadOnlyList<TrialBalanceRow>>(client.Firm, r => r.TrialBalanceAsync(month, month));
        balance.Single(r => r.Account == "44571").ClosingMinor.ShouldBe(-41_67);
        balance.Single(r => r.Account == "4191").ClosingMinor.ShouldBe(-58_33);
        balance.Sum(r => r.DebitMinor).ShouldBe(balance.Sum(r => r.CreditMinor));
        foreach (var account in new[] { "4191", "44571" })
            balance.Single(r => r.Account == account).CreditMinor.ShouldBe(entries.SelectMany(e => e.Lines).Where(l => l.Account == account).Sum(l => l.CreditMinor));
    }
    [Fact]
    public async Task Unused_deposit_credit_refunded_to_the_card_is_no_longer_deducted_from_later_invoices()
    {
        var (stripe, client) = await AFrenchFirmTakingCardsAsync();
        var checkout = await stripe.PaidAsync(client, [], client.Amount(100_00));

        await app.AsStaffOfAsync<StripeRefunder>(client.Firm, refunder => refunder.RefundToCardAsync(checkout.PaymentId, client.Amount(40_00), "refund-1"));
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted, EventTypes.ChargeRefunded);

        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(60_00));
        (await DepositsAsync(client.Firm)).ShouldHaveSingleItem().Remaining.ShouldBe(client.Amount(60_00));
        var invoice = await app.AnInvoice(client).WithLine("Annual accounts", 1, 150_00, 2000).IssuedAsync();
        await UseCreditAsync(client, invoice.Id, 60_00);
        // The refund took 40.00 with 6.67 of the VAT (16.67 × 40 %, rounded); the use takes what is left: 60.00 = 50.00 + 10.00.
        var used = (await DeductionsAsync(client.Firm, invoice.Id)).ShouldHaveSingleItem();
        (used.Total, used.Net, used.Tax).ShouldBe((client.Amount(60_00), client.Amount(50_00), client.Amount(10_00)));
        (await DepositsAsync(client.Firm)).ShouldHaveSingleItem().Remaining.ShouldBe(client.Amount(0));
    }

    [Fact]
    public async Task A_refund_of_deposit_credit_that_fails_puts_the_deposit_back_and_later_uses_deduct_all_of_it()
    {
        var (stripe, client) = await AFrenchFirmTakingCardsAsync();
        var checkout = await stripe.PaidAsync(client, [], client.Amount(100_00));
        await app.AsStaffOfAsync<StripeRefunder>(client.Firm, refunder => refunder.RefundToCardAsync(checkout.PaymentId, client.Amount(40_00), "refund-1"));
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted, EventTypes.ChargeRefunded, EventTypes.RefundCreated);
        (await DepositsAsync(client.Firm)).ShouldHaveSingleItem().Remaining.ShouldBe(client.Amount(60_00));
        var created = (await app.InboxAsync()).Single(e => e.FirmId == client.Firm.Id && e.Type == EventTypes.RefundCreated);
        var refundId = System.Text.Json.Nodes.JsonNode.Parse(created.Body)!["data"]!["object"]!["id"]!.GetValue<string>();

        await stripe.FailRefundAsync(refundId);
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted, EventTypes.ChargeRefunded, EventTypes.RefundFailed, EventTypes.RefundUpdated);

        // The 40.00 is the client's credit again, and the deposit invoice stands for all of it once more (only once,
        // though two events told of the failure).
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(100_00));
        var deposit = (await DepositsAsync(client.Firm)).ShouldHaveSingleItem();
        (deposit.Remaining, deposit.ConsumedTaxMinor).ShouldBe((client.Amount(100_00), 0L));
        // Using all the credit deducts the whole deposit, with exactly its net and its tax.
        var invoice = await app.AnInvoice(client).WithLine("Annual accounts", 1, 150_00, 2000).IssuedAsync();
        await UseCreditAsync(client, invoice.Id, 100_00);
        var used = (await DeductionsAsync(client.Firm, invoice.Id)).ShouldHaveSingleItem();
        (used.Total, used.Net, used.Tax).ShouldBe((deposit.Total, deposit.Net, deposit.Tax));
        (await DepositsAsync(client.Firm)).ShouldHaveSingleItem().Remaining.ShouldBe(client.Amount(0));
        await app.LedgerShouldBeConsistentAsync(client.Firm);
    }
}
