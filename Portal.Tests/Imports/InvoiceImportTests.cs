using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Imports;
using Portal.Tests.Fixture;

namespace Portal.Tests.Imports;

public sealed class InvoiceImportTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>As a French spreadsheet saves it: byte order mark, semicolons, decimal commas with spaces, dd/MM/yyyy dates.</summary>
    private const string FrenchFile = """
        N° facture;Code client;Courriel;Date de facture;Échéance;Désignation;Quantité;Prix unitaire;Taux TVA;Total HT;TVA;Total TTC;Déjà payé
        F-2024-017;C-7;;15/11/2026;15/12/2026;;;;;1 000,00;200,00;1 200,00;200,00
        F-2024-018;;hugo@client.test;2026-11-20;2026-12-20;Conseil;2,5;400,00;20;;;;
        F-2024-018;;hugo@client.test;2026-11-20;2026-12-20;Déplacement;1;55,50;5,5;;;;
        """;

    private async Task<(TestFirm Firm, TestClient ByReference, TestClient ByEmail)> FirmAsync()
    {
        var firm = await app.AFirmAsync();
        var byReference = await app.AClientAsync(firm, name: "Cabinet Sept");
        var byEmail = await app.AClientAsync(firm, name: "Hugo");
        await using var db = app.OpenDb(firm.Id);
        (await db.ClientAccounts.SingleAsync(c => c.Id == byReference.Id)).SetExternalReference("C-7");
        (await db.ClientAccounts.SingleAsync(c => c.Id == byEmail.Id)).Update("Hugo", "hugo@client.test", Currency.EUR, null);
        await db.SaveChangesAsync();
        return (firm, byReference, byEmail);
    }

    [Fact]
    public async Task Open_invoices_with_part_paid_become_issued_invoices_under_their_old_numbers_and_the_rest_can_be_paid()
    {
        var (firm, sept, hugo) = await FirmAsync();

        var preview = await app.PreviewInvoicesAsync(firm, ImportFiles.Csv(FrenchFile, byteOrderMark: true));
        preview.Errors.ShouldBe(0, string.Join("; ", preview.Rejected.SelectMany(r => r.Errors).Select(e => $"{e.Row} {e.Field} {e.Error.Message}")));
        preview.Outcomes().ShouldBe(["2:Create:F-2024-017 · Cabinet Sept", "3:Create:F-2024-018 · Hugo"]);
        await using (var db = app.OpenDb(firm.Id))
            (await db.Invoices.CountAsync()).ShouldBe(0, "a preview writes nothing");

        var committed = await app.CommitInvoicesAsync(firm, ImportFiles.Csv(FrenchFile, byteOrderMark: true));
        committed.Outcomes().ShouldBe(preview.Outcomes());

        Invoice septInvoice, hugoInvoice;
        await using (var db = app.OpenDb(firm.Id))
        {
            septInvoice = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.Number == "F-2024-017");
            hugoInvoice = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.Number == "F-2024-018");
            (await db.Firms.SingleAsync(f => f.Id == firm.Id)).NextInvoiceNumber.ShouldBe(1, "Portal's own sequence is untouched");
            var paid = await db.Payments.SingleAsync();
            (paid.Method, paid.Reference, paid.Amount).ShouldBe((PaymentMethod.BankTransfer, "Paid before import", sept.Amount(200_00)));
        }
        (septInvoice.ClientAccountId, septInvoice.Status, septInvoice.Total, septInvoice.Tax, septInvoice.AmountDue, septInvoice.IssueDate, septInvoice.DueDate)
            .ShouldBe((sept.Id, InvoiceStatus.PartiallyPaid, sept.Amount(1200_00), sept.Amount(200_00), sept.Amount(1000_00), new DateOnly(2026, 11, 15), new DateOnly(2026, 12, 15)));
        septInvoice.ImportedAt.ShouldNotBeNull();
        hugoInvoice.ClientAccountId.ShouldBe(hugo.Id);
        hugoInvoice.Lines.OrderBy(l => l.Position).Select(l => $"{l.Description}|{l.Quantity.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}|{l.NetMinor}|{l.TaxMinor}").ShouldBe(["Conseil|2.5|100000|20000", "Déplacement|1|5550|305"]);
        (hugoInvoice.Status, hugoInvoice.AmountDue).ShouldBe((InvoiceStatus.Open, hugo.Amount(1258_55)));

        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.Balance(LedgerAccount.Receivable(sept.Id), Currency.EUR).ShouldBe(sept.Amount(1000_00), "the client owes what is left");
        ledger.Balance(LedgerAccount.Revenue, Currency.EUR).ShouldBe(sept.Amount(-(1000_00 + 1055_50)));

        await app.PayByTransferAsync(sept, septInvoice.Id, 1000_00);
        (await app.InvoiceAsync(firm, septInvoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await app.LedgerShouldBeConsistentAsync(firm)).Balance(LedgerAccount.Receivable(sept.Id), Currency.EUR).ShouldBe(sept.Amount(0));
        await using (var db = app.OpenDb(firm.Id))
            (await db.AuditEntries.SingleAsync(a => a.Action == InvoiceImport.ImportedAction)).After.ShouldBe("2 created, 0 rows rejected");
    }

    [Fact]
    public async Task An_invoice_number_already_imported_repeated_or_in_portals_own_shape_and_unknown_or_foreign_clients_are_errors()
    {
        var (firm, sept, _) = await FirmAsync();
        var other = await app.AFirmAsync();
        var foreign = await app.AClientAsync(other, name: "Foreign");
        await using (var db = app.OpenDb(other.Id))
        {
            (await db.ClientAccounts.SingleAsync(c => c.Id == foreign.Id)).SetExternalReference("F-9");
            await db.SaveChangesAsync();
        }
        await app.CommitInvoicesAsync(firm, ImportFiles.Csv("number,client_reference,issue_date,due_date,gross,vat\nOLD-1,C-7,01/11/2026,01/12/2026,120,20\n"));

        var report = await app.CommitInvoicesAsync(firm, ImportFiles.Csv("""
            number,client_reference,issue_date,due_date,gross,vat,paid
            OLD-1,C-7,01/11/2026,01/12/2026,120,20,
            OLD-2,C-7,01/11/2026,01/12/2026,120,20,
            OLD-3,C-7,01/11/2026,01/12/2026,120,20,
            OLD-2,C-7,01/11/2026,01/12/2026,120,20,
            INV-00042,C-7,01/11/2026,01/12/2026,120,20,
            OLD-4,F-9,01/11/2026,01/12/2026,120,20,
            OLD-5,C-7,01/12/2026,01/11/2026,120,20,
            OLD-6,C-7,01/11/2026,01/12/2026,120,20,120
            """));

        report.Outcomes().ShouldBe([
            "2:Error:OLD-1", "3:Create:OLD-2 · Cabinet Sept", "4:Create:OLD-3 · Cabinet Sept", "5:Error:OLD-2", "6:Error:INV-00042 · Cabinet Sept",
            "7:Error:OLD-4", "8:Error:OLD-5", "9:Error:OLD-6 · Cabinet Sept"]);
        report.Rejected.SelectMany(r => r.Errors).Select(e => $"{e.Row}:{e.Field}:{e.Error.Message}").ShouldBe([
            "2:number:Invoice OLD-1 is already in Portal.",
            "5:number:This row repeats invoice OLD-2 of row 3: the lines of an invoice follow each other.",
            "6::INV-00042 is in the shape of the numbers Portal gives (INV-…): change the firm's invoice prefix before importing it.",
            "7:client_reference:No client has the external reference F-9.",
            "8:due_date:The due date cannot be before the issue date.",
            "9::OLD-6 is paid in full (120.00 EUR of 120.00 EUR): only open invoices are imported."]);
        await using var check = app.OpenDb(firm.Id);
        (await check.Invoices.OrderBy(i => i.Number).Select(i => i.Number).ToListAsync()).ShouldBe(["OLD-1", "OLD-2", "OLD-3"]);
        _ = sept;
    }
}
