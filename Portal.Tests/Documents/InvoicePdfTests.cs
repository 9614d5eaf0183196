using System.Globalization;
using System.Net;
using Portal.Components.Shared;
using Portal.Documents;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Tests.Fixture;

namespace Portal.Tests.Documents;

public sealed class InvoicePdfTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    private static string Eur(long minor, CultureInfo culture) => MoneyFormat.Format(new Money(minor, Currency.EUR), culture);

    [Fact]
    public async Task Invoice_reads_back_with_its_number_client_lines_taxes_paid_and_amount_due_today()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity);
        var invoice = await app.AnInvoice(client).WithLine("Bookkeeping, November", 2, 450_00, 2000).WithLine("Filing fee", 1, 35_50, 550).IssuedAsync();
        await app.PayByTransferAsync(client, invoice.Id, 300_00);

        var pdf = await app.RenderAsStaffAsync(firm, DocumentKind.Invoice, invoice.Id);

        pdf.Shows($"Invoice {invoice.Number}").ShouldBeTrue(pdf.Text);
        pdf.Shows(client.Name).ShouldBeTrue();
        pdf.Shows("Bookkeeping, November").ShouldBeTrue();
        // Lines: 900.00 at 20% (VAT 180.00), 35.50 at 5.5% (VAT 1.95); total 1,117.45; paid 300.00; due 817.45.
        foreach (var amount in new long[] { 450_00, 900_00, 35_50, 180_00, 1_95, 935_50, 181_95, 1_117_45, 817_45 })
            pdf.Shows(Eur(amount, English)).ShouldBeTrue($"{Eur(amount, English)} missing from:\n{pdf.Text}");
        pdf.Shows(Eur(-300_00, English)).ShouldBeTrue(pdf.Text);
        pdf.Shows($"Amount due on {DateFormat.Show(app.Today, English)}").ShouldBeTrue(pdf.Text);
        pdf.Shows("SIRET 73282932000074").ShouldBeTrue();
        pdf.Shows("VAT no. FR44732829320").ShouldBeTrue();
    }

    [Fact]
    public async Task Pay_online_link_and_transfer_code_lead_to_the_invoices_pay_link_and_the_firms_account()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 1200_00, 2000).IssuedAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        var (status, content, _) = await staff.DownloadAsync($"/staff/invoices/{invoice.Id}/pdf");

        status.ShouldBe(HttpStatusCode.OK);
        var pdf = PdfReading.Of(content);
        var payLink = pdf.Links.Where(l => l.Text.Contains("Pay online", StringComparison.Ordinal)).ShouldHaveSingleItem();
        payLink.Uri.ShouldStartWith(new Uri(app.BaseUrl, "pay/").AbsoluteUri);
        pdf.QrCodes.ShouldContain(payLink.Uri);
        pdf.QrCodes.ShouldContain(code => code.StartsWith("BCD\n", StringComparison.Ordinal), "the EPC transfer code beside it");
        pdf.Shows("Pay by bank transfer").ShouldBeTrue(pdf.Text);
        pdf.Shows("IBAN FR76 3000 6000 0112 3456 7890 189").ShouldBeTrue();
        pdf.Shows($"Reference {invoice.Number}").ShouldBeTrue();
    }

    [Fact]
    public async Task Transfer_code_is_left_out_in_pounds_without_an_iban_and_once_paid()
    {
        var firm = await app.AFirmAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity);
        var pounds = await app.AClientAsync(firm, "GBP");
        var euros = await app.AClientAsync(firm);
        var inPounds = await app.AnInvoice(pounds).WithLine("Audit", 1, 100_00).IssuedAsync();
        var paid = await app.AnInvoice(euros).WithLine("Audit", 1, 100_00).IssuedAsync();
        await app.PayByTransferAsync(euros, paid.Id, 100_00);
        var open = await app.AnInvoice(euros).WithLine("Audit", 1, 100_00).IssuedAsync();

        (await app.RenderAsStaffAsync(firm, DocumentKind.Invoice, inPounds.Id)).Shows("Pay by bank transfer").ShouldBeFalse();
        var paidPdf = await app.RenderAsStaffAsync(firm, DocumentKind.Invoice, paid.Id);
        paidPdf.Shows("Pay by bank transfer").ShouldBeFalse();
        paidPdf.Shows("PAID").ShouldBeTrue();
        (await app.RenderAsStaffAsync(firm, DocumentKind.Invoice, open.Id)).Shows("Pay by bank transfer").ShouldBeTrue();

        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity with { Iban = null, Bic = null });
        var withoutIban = await app.AnInvoice(euros).WithLine("Audit", 1, 100_00).IssuedAsync();
        (await app.RenderAsStaffAsync(firm, DocumentKind.Invoice, withoutIban.Id)).Shows("Pay by bank transfer").ShouldBeFalse();
    }

    [Fact]
    public async Task Sixty_lines_run_over_three_pages_each_numbered_and_with_the_table_header_again()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var builder = app.AnInvoice(client);
        for (var i = 1; i <= 60; i++)
            builder.WithLine(i % 2 == 0 ? $"Consulting session {i}: monthly review of entries and bank reconciliation" : $"Consulting session {i}", 1.5m, 80_00 + i, 2000);
        var invoice = await builder.IssuedAsync();

        var pdf = await app.RenderAsStaffAsync(firm, DocumentKind.Invoice, invoice.Id);

        pdf.Pages.Count.ShouldBe(3);
        for (var page = 1; page <= 3; page++)
        {
            PdfReading.Squash(pdf.Pages[page - 1]).ShouldContain(PdfReading.Squash($"Page {page} / 3"));
            PdfReading.Squash(pdf.Pages[page - 1]).ShouldContain("Description");
        }
        pdf.Shows("Consulting session 60").ShouldBeTrue();
    }

    [Fact]
    public async Task French_client_reads_french_labels_and_the_b2b_mentions_with_the_40_euro_indemnity()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity with { LatePaymentPenalty = "taux BCE + 10 points" });
        await app.MakeBusinessAsync(client);
        var invoice = await app.AnInvoice(client).WithLine("Tenue comptable", 1, 1000_00, 2000).IssuedAsync();

        var french = await app.RenderAsStaffAsync(firm, DocumentKind.Invoice, invoice.Id, "fr");
        var english = await app.RenderAsStaffAsync(firm, DocumentKind.Invoice, invoice.Id, "en");

        french.Shows($"Facture {invoice.Number}").ShouldBeTrue(french.Text);
        french.Shows("Total TTC").ShouldBeTrue();
        french.Shows(Eur(1200_00, French)).ShouldBeTrue(french.Text);
        french.Shows($"Reste à payer au {DateFormat.Show(app.Today, French)}").ShouldBeTrue(french.Text);
        french.Shows("Payer par virement").ShouldBeTrue();
        french.Shows("Pénalités de retard : taux BCE + 10 points").ShouldBeTrue(french.Text);
        french.Shows("Indemnité forfaitaire pour frais de recouvrement : 40 €").ShouldBeTrue(french.Text);
        french.Shows("Pas d'escompte pour paiement anticipé").ShouldBeTrue();
        french.Shows("Total incl. tax").ShouldBeFalse();

        english.Shows($"Invoice {invoice.Number}").ShouldBeTrue();
        english.Shows("Total incl. tax").ShouldBeTrue();
        english.Shows("Fixed indemnity for recovery costs in case of late payment: €40").ShouldBeTrue(english.Text);
        english.Shows("Total TTC").ShouldBeFalse();
    }

    [Fact]
    public async Task Late_payment_mentions_are_left_out_for_a_consumer_client_or_a_firm_without_siren()
    {
        var firm = await app.AFirmAsync();
        var consumer = await app.AClientAsync(firm);
        var business = await app.AClientAsync(firm);
        await app.MakeBusinessAsync(business);
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity);
        var toConsumer = await app.AnInvoice(consumer).IssuedAsync();
        await app.GiveIdentityAsync(firm, new FirmLegalIdentity("Martin Ltd", Iban: DocumentFixtures.Iban));
        var fromForeignFirm = await app.AnInvoice(business).IssuedAsync();

        (await app.RenderAsStaffAsync(firm, DocumentKind.Invoice, toConsumer.Id, "fr")).Shows("Indemnité forfaitaire").ShouldBeFalse();
        (await app.RenderAsStaffAsync(firm, DocumentKind.Invoice, fromForeignFirm.Id, "fr")).Shows("Indemnité forfaitaire").ShouldBeFalse();
    }

    [Fact]
    public async Task Issued_invoice_keeps_the_identity_and_branding_it_was_issued_with()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity, color: "#AA0000");
        var issued = await app.AnInvoice(client).WithLine("Audit", 1, 500_00).IssuedAsync();
        var draft = await app.AnInvoice(client).WithLine("Audit", 1, 500_00).DraftAsync();
        var before = await app.RenderAsStaffAsync(firm, DocumentKind.Invoice, issued.Id);

        await app.GiveIdentityAsync(firm, new FirmLegalIdentity("Martin & Associés SA", "1 place Bellecour\n69002 Lyon", Iban: "DE89370400440532013000"), color: "#00AA00");
        var after = await app.RenderAsStaffAsync(firm, DocumentKind.Invoice, issued.Id);
        var draftNow = await app.RenderAsStaffAsync(firm, DocumentKind.Invoice, draft.Id);

        after.Shows("Cabinet Martin SAS").ShouldBeTrue(after.Text);
        after.Shows("75002 Paris").ShouldBeTrue();
        after.Shows("FR76 3000 6000 0112 3456 7890 189").ShouldBeTrue();
        after.Shows("Martin & Associés").ShouldBeFalse();
        after.Shows("DE89").ShouldBeFalse();
        PdfReading.Squash(after.Text).ShouldBe(PdfReading.Squash(before.Text));
        draftNow.Shows("Martin & Associés SA").ShouldBeTrue(draftNow.Text);
        draftNow.Shows("DRAFT").ShouldBeTrue();
    }
}
