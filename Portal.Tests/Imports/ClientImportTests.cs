using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Imports;
using Portal.Imports;
using Portal.Localization;
using Portal.Tests.Fixture;

namespace Portal.Tests.Imports;

public sealed class ClientImportTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private const string MixedFile = """
        name,billing_email,contact_name,language,currency,company_number,vat_number,address,external_reference
        Boulangerie Martin,compta@martin.test,Paul Martin,fr,EUR,732829320,FR44732829320,"1 rue du Pain, Lyon",C-100
        Atelier Renamed,atelier@known.test,,,,,,,
        Garage By Reference,new-garage@known.test,,en,,,,,C-002
        Broken Email,not-an-email,,,,,,,
        Boulangerie Again,compta@martin.test,,,,,,,
        ,nameless@x.test,,,,,,,
        Klingon Co,klingon@x.test,,tlh,,,,,
        Shared Email SARL,shared@both.test,,,,,,,
        """;

    /// <summary>A firm with a client known by email and one known by its old reference; another firm with a client of the shared email.</summary>
    private async Task<(TestFirm Firm, Guid Atelier, Guid Garage, TestFirm Other, Guid OtherClient)> TwoFirmsAsync()
    {
        var firm = await app.AFirmAsync();
        var other = await app.AFirmAsync();
        var atelier = new ClientAccount(firm.Id, "Atelier", "atelier@known.test", Currency.EUR, app.Clock.GetUtcNow());
        var garage = new ClientAccount(firm.Id, "Garage", "garage@known.test", Currency.EUR, app.Clock.GetUtcNow());
        garage.SetExternalReference("C-002");
        var foreign = new ClientAccount(other.Id, "Other firm's client", "shared@both.test", Currency.EUR, app.Clock.GetUtcNow());
        foreign.SetExternalReference("C-100");
        await using var db = app.OpenDb();
        db.ClientAccounts.AddRange(atelier, garage, foreign);
        await db.SaveChangesAsync();
        return (firm, atelier.Id, garage.Id, other, foreign.Id);
    }

    private async Task<List<ClientAccount>> ClientsOfAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.ClientAccounts.AsNoTracking().Include(c => c.Contacts).OrderBy(c => c.Name).ToListAsync();
    }

    [Fact]
    public async Task Preview_shows_creates_updates_by_email_and_reference_and_errors_with_reasons_and_writes_nothing()
    {
        var (firm, atelier, garage, other, _) = await TwoFirmsAsync();
        var before = await ClientsOfAsync(firm);
        var otherBefore = await ClientsOfAsync(other);

        var report = await app.PreviewClientsAsync(firm, ImportFiles.Csv(MixedFile));

        report.Outcomes().ShouldBe([
            "2:Create:Boulangerie Martin", "3:Update:Atelier Renamed", "4:Update:Garage By Reference", "5:Error:Broken Email",
            "6:Error:Boulangerie Again", "7:Error:", "8:Error:Klingon Co", "9:Create:Shared Email SARL"]);
        (report.Created, report.Updated, report.Errors).ShouldBe((2, 2, 4));
        var errors = report.Rejected.SelectMany(r => r.Errors).Select(e => $"{e.Row}:{e.Field}:{e.Error.Message}").ToList();
        errors.ShouldBe([
            "5:billing_email:'not-an-email' is not a valid email address.",
            "6:billing_email:This row repeats row 2: a client is imported once per file.",
            "7:name:This field is required.",
            "8:language:'tlh' is not a language Portal writes in: en or fr."]);

        (await ClientsOfAsync(firm)).Select(c => $"{c.Name}|{c.BillingEmail}|{c.ExternalReference}").ShouldBe(
            before.Select(c => $"{c.Name}|{c.BillingEmail}|{c.ExternalReference}"), "a preview writes nothing");
        (await ClientsOfAsync(other)).Single().Name.ShouldBe(otherBefore.Single().Name);
        await using var db = app.OpenDb(firm.Id);
        (await db.AuditEntries.CountAsync(a => a.Action == ClientImport.ImportedAction)).ShouldBe(0);
        (await db.ImportColumnMappings.CountAsync()).ShouldBe(0);
        _ = (atelier, garage);
    }

    [Fact]
    public async Task Commit_writes_exactly_the_previewed_result_and_never_touches_another_firm()
    {
        var (firm, atelier, garage, other, otherClient) = await TwoFirmsAsync();
        var preview = await app.PreviewClientsAsync(firm, ImportFiles.Csv(MixedFile));

        var committed = await app.CommitClientsAsync(firm, ImportFiles.Csv(MixedFile));

        committed.Committed.ShouldBeTrue();
        committed.Outcomes().ShouldBe(preview.Outcomes());
        var clients = await ClientsOfAsync(firm);
        clients.Select(c => c.Name).ShouldBe(["Atelier Renamed", "Boulangerie Martin", "Garage By Reference", "Shared Email SARL"]);
        var martin = clients.Single(c => c.Name == "Boulangerie Martin");
        (martin.BillingEmail, martin.Language, martin.Currency, martin.CompanyNumber, martin.Siren, martin.VatNumber, martin.Address, martin.ExternalReference)
            .ShouldBe(("compta@martin.test", "fr", Currency.EUR, "732829320", "732829320", "FR44732829320", "1 rue du Pain, Lyon", "C-100"));
        martin.Contacts.Single().Name.ShouldBe("Paul Martin");
        clients.Single(c => c.Id == atelier).BillingEmail.ShouldBe("atelier@known.test");
        var byReference = clients.Single(c => c.Id == garage);
        (byReference.Name, byReference.BillingEmail, byReference.Language).ShouldBe(("Garage By Reference", "new-garage@known.test", "en"));

        var foreign = (await ClientsOfAsync(other)).Single();
        (foreign.Id, foreign.Name, foreign.BillingEmail).ShouldBe((otherClient, "Other firm's client", "shared@both.test"), "another firm's client is never matched");

        await using var db = app.OpenDb(firm.Id);
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == ClientImport.ImportedAction);
        audit.After.ShouldBe("2 created, 2 updated, 4 rejected");
        audit.UserId.ShouldBe(firm.Staff.UserId);
    }

    [Fact]
    public async Task A_second_import_of_the_same_file_updates_and_creates_nobody_twice()
    {
        var firm = await app.AFirmAsync();
        const string file = "name,billing_email,external_reference\nAlpha,alpha@x.test,A-1\nBeta,beta@x.test,\n";
        (await app.CommitClientsAsync(firm, ImportFiles.Csv(file))).Created.ShouldBe(2);

        var again = await app.CommitClientsAsync(firm, ImportFiles.Csv(file));

        (again.Created, again.Updated, again.Errors).ShouldBe((0, 2, 0));
        (await ClientsOfAsync(firm)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_commit_that_fails_half_way_writes_nothing()
    {
        var firm = await app.AFirmAsync();
        var text = new StringBuilder("name,billing_email\n");
        for (var i = 0; i < ClientImport.BatchSize * 3; i++)
            text.Append(CultureInfo.InvariantCulture, $"Client {i},client{i}@bulk.test\n");
        using var cancel = new CancellationTokenSource();
        // The first batch is saved inside the transaction; the commit then stops, as a dropped connection or a crash would.
        var progress = new Progress(done => { if (done >= ClientImport.BatchSize) cancel.Cancel(); });

        await Should.ThrowAsync<OperationCanceledException>(() => app.AsStaffOfAsync<ClientImport, ImportReport>(firm,
            s => s.CommitAsync(ImportFiles.Csv(text.ToString()), new Dictionary<string, int> { ["name"] = 0, ["billing_email"] = 1 }, progress, cancel.Token)));

        (await ClientsOfAsync(firm)).ShouldBeEmpty();
        await using var db = app.OpenDb(firm.Id);
        (await db.AuditEntries.CountAsync(a => a.Action == ClientImport.ImportedAction)).ShouldBe(0);
        (await db.ImportColumnMappings.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Semicolons_a_byte_order_mark_and_french_headers_are_read()
    {
        var firm = await app.AFirmAsync();
        var file = ImportFiles.Csv("Raison sociale;Courriel;Langue;Devise;SIREN;Référence client\nÉpicerie Hélène;helene@epicerie.test;français;eur;732 829 320;R-é1\n", byteOrderMark: true);

        var report = await app.CommitClientsAsync(firm, file);

        report.Errors.ShouldBe(0, string.Join("; ", report.Rejected.SelectMany(r => r.Errors).Select(e => e.Error.Message)));
        var client = (await ClientsOfAsync(firm)).Single();
        (client.Name, client.BillingEmail, client.Language, client.Currency, client.Siren, client.ExternalReference)
            .ShouldBe(("Épicerie Hélène", "helene@epicerie.test", "fr", Currency.EUR, "732829320", "R-é1"));
    }

    [Fact]
    public async Task The_mapping_of_a_committed_import_is_remembered_for_the_firm_whatever_the_column_order()
    {
        var firm = await app.AFirmAsync();
        var other = await app.AFirmAsync();
        var file = ImportFiles.Csv("Col A,Col B,Col C\nAlpha,alpha@x.test,en\n");
        await app.CommitClientsAsync(firm, file, new Dictionary<string, int> { ["name"] = 0, ["billing_email"] = 1, ["language"] = 2 });

        string[] reordered = ["Col C", "Col A", "Col B"];
        var suggested = await app.AsStaffOfAsync<ImportMappings, Dictionary<string, int>>(firm, m => m.SuggestAsync(ImportKind.Clients, reordered));
        var elsewhere = await app.AsStaffOfAsync<ImportMappings, Dictionary<string, int>>(other, m => m.SuggestAsync(ImportKind.Clients, reordered));

        suggested.ShouldBe(new Dictionary<string, int> { ["name"] = 1, ["billing_email"] = 2, ["language"] = 0 }, ignoreOrder: true);
        elsewhere.ShouldBeEmpty("another firm's mapping is its own");
    }

    [Fact]
    public async Task The_error_report_lists_the_rejected_rows_as_they_were_with_the_reason_in_the_readers_language()
    {
        var (firm, _, _, _, _) = await TwoFirmsAsync();
        var report = await app.PreviewClientsAsync(firm, ImportFiles.Csv(MixedFile));
        var T = app.Services.GetRequiredService<IStringLocalizer<Text>>();
        var previous = CultureInfo.CurrentUICulture;
        byte[] bytes;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fr-FR");
            bytes = await ImportErrorReport.ToBytesAsync(report, e => $"{e.Field}: {e.Error.ToText(T)}", "motif", "ligne");
        }
        finally
        {
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = previous;
        }

        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("ligne,name,billing_email,contact_name,language,currency,company_number,vat_number,address,external_reference,motif");
        lines.Length.ShouldBe(5);
        lines[1].ShouldBe("5,Broken Email,not-an-email,,,,,,,,billing_email: « not-an-email » n'est pas une adresse e-mail valide.");
        lines[2].ShouldBe("6,Boulangerie Again,compta@martin.test,,,,,,,,billing_email: Cette ligne répète la ligne 2 : un client n'est importé qu'une fois par fichier.");
        lines[3].ShouldBe("7,,nameless@x.test,,,,,,,,name: Ce champ est obligatoire.");
        lines[4].ShouldStartWith("8,Klingon Co,klingon@x.test,,tlh,");
    }

    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
