using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Shared;
using Portal.Documents;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Invoices;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tests.Fixture;

namespace Portal.Tests.Documents;

public sealed class CreditNoteAndReceiptPdfTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    private static string Eur(long minor) => MoneyFormat.Format(new Money(minor, Currency.EUR), English);

    [Fact]
    public async Task Voided_invoice_has_a_credit_note_cancelling_it_in_full()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 500_00, 2000).IssuedAsync();
        var open = await app.AnInvoice(client).WithLine("Audit", 1, 500_00, 2000).IssuedAsync();
        await app.AsStaffOfAsync<Invoicing>(firm, s => s.VoidAsync(invoice.Id, "Sent to the wrong client"));

        var pdf = await app.RenderAsStaffAsync(firm, DocumentKind.CreditNote, invoice.Id);

        pdf.Shows("Credit note AV-00001").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Credit note on invoice {invoice.Number}").ShouldBeTrue(pdf.Text);
        pdf.Shows("Reason: Sent to the wrong client").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Credit note total{Eur(600_00)}").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Invoice {invoice.Number} is cancelled in full").ShouldBeTrue();
        pdf.Shows("Cabinet Martin SAS").ShouldBeTrue();
        // An invoice still open has no credit note.
        (await app.AsStaffOfAsync<IDocumentPdfs, RenderedPdf?>(firm, s => s.RenderAsync(DocumentKind.CreditNote, open.Id, English))).ShouldBeNull();
    }

    [Fact]
    public async Task Payment_kept_as_credit_has_a_numbered_credit_note_for_the_amount_kept()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00, 2000).IssuedAsync();
        var paymentId = await app.PayByTransferAsync(client, invoice.Id, 120_00);
        await app.AsStaffOfAsync<PaymentCorrections, MoneyResult>(firm, c => c.RefundAsCreditAsync(paymentId, invoice.Id, client.Amount(60_00), MoneyChecks.NewKey()));
        await app.AsStaffOfAsync<PaymentCorrections, MoneyResult>(firm, c => c.RefundAsCreditAsync(paymentId, invoice.Id, client.Amount(15_00), MoneyChecks.NewKey()));
        await using var db = app.OpenDb(firm.Id);
        var kept = await db.LedgerTransactions.Where(t => t.Kind == LedgerTransactionKind.RefundAsCredit).OrderBy(t => t.OccurredAt).ThenBy(t => t.Id).Select(t => t.Id).ToListAsync();

        var first = await app.RenderAsStaffAsync(firm, DocumentKind.CreditNote, kept[0]);
        var second = await app.RenderAsStaffAsync(firm, DocumentKind.CreditNote, kept[1], "fr");

        first.Shows("Credit note AV-00001").ShouldBeTrue(first.Text);
        first.Shows($"Credit note total{Eur(60_00)}").ShouldBeTrue(first.Text);
        first.Shows("kept as credit on your account").ShouldBeTrue();
        second.Shows("Avoir AV-00002").ShouldBeTrue(second.Text);
        second.Shows(MoneyFormat.Format(new Money(15_00, Currency.EUR), CultureInfo.GetCultureInfo("fr-FR"))).ShouldBeTrue(second.Text);
    }

    [Fact]
    public async Task A_void_from_before_numbering_keeps_the_number_derived_from_its_invoice()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 500_00, 2000).IssuedAsync();
        await app.AsStaffOfAsync<Invoicing>(firm, s => s.VoidAsync(invoice.Id, "Sent to the wrong client"));
        // As voids stored before credit notes were numbered are: no credit-note row (decision 0019).
        await using (var db = app.OpenDb(firm.Id))
            await db.CreditNotes.ExecuteDeleteAsync();

        var pdf = await app.RenderAsStaffAsync(firm, DocumentKind.CreditNote, invoice.Id);

        pdf.Shows($"Credit note CN-{invoice.Number}").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Credit note total{Eur(600_00)}").ShouldBeTrue(pdf.Text);
    }

    [Fact]
    public async Task Receipt_lists_the_invoices_paid_and_the_credit_kept()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var first = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var second = await app.AnInvoice(client).WithLine("Payroll", 1, 30_00).IssuedAsync();
        var result = await app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(firm, s => s.RecordAsync(new(client.Id, PaymentMethod.BankTransfer, client.Amount(150_00),
            [new InvoiceAmount(first.Id, client.Amount(100_00)), new InvoiceAmount(second.Id, client.Amount(30_00))], SurplusToCredit: true, "VIR-2211", MoneyChecks.NewKey())));

        var pdf = await app.RenderAsStaffAsync(firm, DocumentKind.Receipt, result.Id!.Value);

        pdf.Shows("Receipt").ShouldBeTrue();
        pdf.Shows($"Amount received{Eur(150_00)}").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Invoice {first.Number}{Eur(100_00)}").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Invoice {second.Number}{Eur(30_00)}").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Kept as credit on your account{Eur(20_00)}").ShouldBeTrue(pdf.Text);
        pdf.Shows("Bank transfer").ShouldBeTrue();
        pdf.Shows("VIR-2211").ShouldBeTrue();
        pdf.Shows($"Payment received on {DateFormat.Show(app.Today, English)}").ShouldBeTrue(pdf.Text);
    }

    [Fact]
    public async Task Client_downloads_their_own_receipt_and_credit_note_but_not_another_clients()
    {
        var (firm, client, other) = await app.AFirmWithTwoClientsAsync();
        var mine = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var theirs = await app.AnInvoice(other).WithLine("Audit", 1, 100_00).IssuedAsync();
        var myPayment = await app.PayByTransferAsync(client, mine.Id, 100_00);
        var theirPayment = await app.PayByTransferAsync(other, theirs.Id, 50_00);
        var theirVoided = await app.AnInvoice(other).IssuedAsync();
        await app.AsStaffOfAsync<Invoicing>(firm, s => s.VoidAsync(theirVoided.Id, "Duplicate"));
        using var session = await app.SignInAsync(client.Contact);

        var receipt = await session.DownloadAsync($"/portal/payments/{myPayment}/receipt");
        receipt.Status.ShouldBe(HttpStatusCode.OK);
        PdfReading.Of(receipt.Content).Shows($"Invoice {mine.Number}").ShouldBeTrue();
        (await session.DownloadAsync($"/portal/payments/{theirPayment}/receipt")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await session.DownloadAsync($"/portal/credit-notes/{theirVoided.Id}/pdf")).Status.ShouldBe(HttpStatusCode.NotFound);
    }
}
