using System.Net;
using System.Text;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Exports;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tests.Fixture;

namespace Portal.Tests.Exports;

public sealed class CsvExportTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Downloads an export as staff would, checks it is UTF-8 with a byte order mark, and reads it back (RFC 4180, our own reader).</summary>
    private static async Task<List<string[]>> DownloadAsync(PortalSession staff, string path)
    {
        using var response = await staff.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF }, "Excel reads accents only with the byte order mark");
        return Parse(new UTF8Encoding(false).GetString(bytes, 3, bytes.Length - 3));
    }

    private static List<string[]> Parse(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    i++;
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0)
        {
            row.Add(cell.ToString());
            rows.Add([.. row]);
        }
        return rows;
    }

    private static string Cell(string[] headers, string[] row, string column) => row[Array.IndexOf(headers, column)];

    [Fact]
    public async Task Clients_export_has_every_client_of_the_firm_with_formulas_kept_as_text_and_nothing_of_another_firm()
    {
        var firm = await app.AFirmAsync();
        var plain = await app.AClientAsync(firm, name: "Maison Dupont");
        var formulas = new[] { "=HYPERLINK(\"http://x.test\")", "+33 Traders", "-Minus Ltd", "@Home SARL" };
        foreach (var name in formulas)
            await app.AClientAsync(firm, name: name);
        var other = await app.AFirmAsync();
        await app.AClientAsync(other, name: "Other Firm Secret Client");

        using var staff = await app.SignInAsync(firm.Staff);
        var rows = await DownloadAsync(staff, "/staff/clients/export.csv");

        rows[0].ShouldBe(CsvExports.ClientHeaders);
        rows.Count.ShouldBe(1 + 5);
        var names = rows.Skip(1).Select(r => Cell(rows[0], r, "name")).ToList();
        names.ShouldContain("Maison Dupont");
        foreach (var name in formulas)
            names.ShouldContain("'" + name, $"{name} is escaped with a leading apostrophe");
        names.ShouldNotContain(n => n.Contains("Other Firm Secret Client"));
        var dupont = rows.Single(r => Cell(rows[0], r, "name") == "Maison Dupont");
        (Cell(rows[0], dupont, "id"), Cell(rows[0], dupont, "currency")).ShouldBe((plain.Id.ToString(), "EUR"));
    }

    [Fact]
    public async Task Invoices_and_payments_exports_show_amounts_statuses_and_references_with_text_guarded()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Annual accounts", 2, 450_00, 2000).IssuedAsync();
        await app.AnInvoice(client).WithLine("Draft work", 1, 10_00).DraftAsync();
        await app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(firm, r => r.RecordAsync(new(client.Id, PaymentMethod.Cheque, client.Amount(300_00),
            [new InvoiceAmount(invoice.Id, client.Amount(300_00))], false, "-cheque 42", MoneyChecks.NewKey())));
        // A card payment started and never finished is an attempt, not a payment: not exported.
        await app.AsProviderForAsync<ProviderPayments, MoneyResult>(firm, p => p.InitiateAsync(new(client.Id, PaymentMethod.Card, PaymentProvider.Stripe,
            [new InvoiceAmount(invoice.Id, client.Amount(100_00))], null, MoneyChecks.NewKey())));
        var other = await app.AFirmWithAClientAsync();
        await app.AnInvoice(other.Client).WithLine("Other firm work", 1, 123_45).IssuedAsync();

        using var staff = await app.SignInAsync(firm.Staff);
        var invoices = await DownloadAsync(staff, "/staff/invoices/export.csv");
        invoices[0].ShouldBe(CsvExports.InvoiceHeaders);
        invoices.Count.ShouldBe(1 + 2, "the firm's issued invoice and its draft, none of the other firm's");
        var issued = invoices.Single(r => Cell(invoices[0], r, "id") == invoice.Id.ToString());
        string[] columns = ["number", "client", "status", "currency", "subtotal", "tax", "total", "paid", "due"];
        columns.Select(c => Cell(invoices[0], issued, c)).ShouldBe([invoice.Number!, client.Name, "partially_paid", "EUR", "900.00", "180.00", "1080.00", "300.00", "780.00"]);

        var payments = await DownloadAsync(staff, "/staff/payments/export.csv");
        payments[0].ShouldBe(CsvExports.PaymentHeaders);
        payments.Count.ShouldBe(1 + 1);
        string[] paymentColumns = ["client", "method", "status", "amount", "refunded", "reference"];
        paymentColumns.Select(c => Cell(payments[0], payments[1], c)).ShouldBe([client.Name, "cheque", "succeeded", "300.00", "0.00", "'-cheque 42"]);
    }

    [Fact]
    public async Task Only_staff_can_download_the_exports()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        using var contact = await app.SignInAsync(client.Contact);
        using var anonymous = app.AnonymousSession();
        foreach (var path in new[] { "/staff/clients/export.csv", "/staff/invoices/export.csv", "/staff/payments/export.csv" })
        {
            using var asClient = await contact.GetAsync(path);
            asClient.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            asClient.Headers.Location!.ToString().ShouldContain("Account/AccessDenied", Case.Sensitive, path);
            using var asNobody = await anonymous.GetAsync(path);
            asNobody.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
        }
        using var staff = await app.SignInAsync(firm.Staff);
        var (status, html) = await staff.GetPageAsync("/staff/clients");
        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("/staff/clients/export.csv");
    }
}
