using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Books;
using Portal.Domain;
using Portal.Domain.Books;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tests.Fixture;

namespace Portal.Tests.Books;

public sealed partial class BooksExportTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    private const string Siren = "732829320";

    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private string ThisMonth => AccountingPeriod.Of(app.Today).ToString();

    [Fact]
    public async Task The_fec_follows_every_rule_of_the_format()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var paid = await app.AnInvoice(client).WithLine("Audit", 1, 100_00, taxBasisPoints: 2000).IssuedAsync();
        var partly = await app.AnInvoice(client).WithLine("Payroll", 1, 50_00).IssuedAsync();
        await app.PayByTransferAsync(client, paid.Id, 120_00);
        await app.PayByTransferAsync(client, partly.Id, 20_00);
        await app.GiveCreditAsync(client, 30_00);
        var pounds = await app.AClientAsync(firm, "GBP", "Blue River");
        await app.AnInvoice(pounds).WithLine("Design", 1, 10_00).IssuedAsync();

        using var owner = await app.SignInAsync(firm.Owner);
        var response = await owner.GetAsync($"/books/exports/fec?from={ThisMonth}&to={ThisMonth}&siren={Siren}");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var lastDay = AccountingPeriod.Of(app.Today).LastDay;
        (response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName)
            .ShouldBe($"{Siren}FEC{lastDay:yyyyMMdd}.txt");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes.AsSpan(0, 3).SequenceEqual("\uFEFF"u8).ShouldBeFalse("no byte order mark before the header");
        var text = Encoding.UTF8.GetString(bytes);
        text.ShouldEndWith("\r\n");
        var lines = text[..^2].Split("\r\n");
        lines[0].ShouldBe(string.Join('\t', Fec.Columns));
        var rows = lines.Skip(1).Select(l => l.Split('\t')).ToList();
        rows.Count.ShouldBe(3 + 2 + 2 + 2 + 2 + 2, "issue with VAT 3 lines, issue 2, two transfers 2 each, credit 2, pounds issue 2");

        var today = app.Today.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        foreach (var row in rows)
        {
            row.Length.ShouldBe(18, string.Join('|', row));
            row[0].ShouldBeOneOf("VT", "BQ");
            row[1].ShouldNotBeNullOrWhiteSpace();
            row[3].ShouldBe(today);
            row[4].ShouldMatch("^[0-9]{3,12}$");
            row[5].ShouldNotBeNullOrWhiteSpace();
            row[9].ShouldMatch("^[0-9]{8}$");
            row[10].ShouldNotBeNullOrWhiteSpace();
            row[11].ShouldMatch("^[0-9]+,[0-9]{2}$");
            row[12].ShouldMatch("^[0-9]+,[0-9]{2}$");
            (row[11] == "0,00" ^ row[12] == "0,00").ShouldBeTrue("a line is a debit or a credit");
            row[15].ShouldBe(today, "entries are final when posted: the ledger is append-only");
            if (row[6].Length > 0)
                row[7].ShouldNotBeNullOrWhiteSpace("an auxiliary account has a name");
        }

        foreach (var entry in rows.GroupBy(r => r[2]))
        {
            entry.Select(r => r[0]).Distinct().Count().ShouldBe(1, entry.Key);
            entry.Select(r => r[3]).Distinct().Count().ShouldBe(1, entry.Key);
            entry.Sum(r => Minor(r[11])).ShouldBe(entry.Sum(r => Minor(r[12])), $"{entry.Key} balances");
        }
        var period = AccountingPeriod.Of(app.Today);
        foreach (var journal in rows.GroupBy(r => r[0]))
        {
            var numbers = journal.Select(r => r[2]).Distinct().ToList();
            numbers.ShouldBe(Enumerable.Range(1, numbers.Count).Select(i => JournalEntry.NumberOf(journal.Key, period, i)).ToList(), $"{journal.Key} is numbered without gaps");
        }
        rows.Where(r => r[0] == "VT").Select(r => r[2]).Distinct().Count().ShouldBe(3);
        rows.Where(r => r[0] == "BQ").Select(r => r[2]).Distinct().Count().ShouldBe(3);

        // The paid invoice's receivable lines (issue and payment) are lettered together on the day it was settled; the partly paid one is not.
        var paidLines = rows.Where(r => r[4] == "411" && r[8] == paid.Number || r[4] == "411" && r[10].Contains(paid.Number!, StringComparison.Ordinal)).ToList();
        paidLines.Count.ShouldBe(2);
        paidLines.ShouldAllBe(r => r[13] == paid.Number && r[14] == today);
        rows.Where(r => r[4] == "411" && r[10].Contains(partly.Number!, StringComparison.Ordinal)).ShouldAllBe(r => r[13] == "" && r[14] == "");
        rows.Where(r => r[4] != "411").ShouldAllBe(r => r[13] == "");

        // The configured accounts, with the client's auxiliary account.
        var aux = "411" + client.Id.ToString("N")[^8..].ToUpperInvariant();
        rows.Where(r => r[4] == "411" && r[17] == "").ShouldAllBe(r => r[6] == aux && r[7] == client.Name);
        Sum(rows, "706", credit: true).ShouldBe(150_00);
        Sum(rows, "44571", credit: true).ShouldBe(20_00);
        Sum(rows, "512", credit: false).ShouldBe(170_00);
        Sum(rows, "4191", credit: true).ShouldBe(30_00);
        rows.Single(r => r[4] == "44571")[1].ShouldBe("Ventes");

        // Only the pound invoice carries a foreign amount, signed like its line.
        var foreign = rows.Where(r => r[17] != "").ToList();
        foreign.Count.ShouldBe(2);
        foreign.ShouldAllBe(r => r[17] == "GBP");
        foreign.Select(r => r[16]).OrderBy(x => x, StringComparer.Ordinal).ToList().ShouldBe(["-10,00", "10,00"]);
        rows.Where(r => r[17] == "").ShouldAllBe(r => r[16] == "");
    }

    [Fact]
    public async Task A_wrong_siren_or_month_is_refused_with_the_reason_and_no_file()
    {
        var (firm, _) = await app.AFirmWithAClientAsync();
        using var owner = await app.SignInAsync(firm.Owner);

        var badSiren = await owner.GetAsync($"/books/exports/fec?from={ThisMonth}&to={ThisMonth}&siren=123456789");
        badSiren.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badSiren.Content.ReadAsStringAsync()).ShouldContain("is not a SIREN");
        badSiren.Content.Headers.ContentDisposition.ShouldBeNull();

        var badMonth = await owner.GetAsync($"/books/exports/csv?from=2026-13&layout=generic");
        badMonth.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badMonth.Content.ReadAsStringAsync()).ShouldContain("is not a month");

        var badJournal = await owner.GetAsync($"/books/exports/csv?from={ThisMonth}&journal=ZZ");
        badJournal.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Csv_cells_that_a_spreadsheet_would_run_as_formulas_get_an_apostrophe()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm, name: "=HYPERLINK(\"http://evil.test\")");
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 40_00).IssuedAsync();
        await app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(firm, s => s.RecordAsync(new(client.Id, PaymentMethod.BankTransfer, client.Amount(40_00),
            [new InvoiceAmount(invoice.Id, client.Amount(40_00))], false, "@SUM(A1:A9)", MoneyChecks.NewKey())));
        using var owner = await app.SignInAsync(firm.Owner);

        var generic = await (await owner.GetAsync($"/books/exports/csv?from={ThisMonth}&layout=generic")).Content.ReadAsStringAsync();
        var sageBytes = await (await owner.GetAsync($"/books/exports/csv?from={ThisMonth}&layout=sage&journal=BQ")).Content.ReadAsByteArrayAsync();
        sageBytes.AsSpan(0, 3).SequenceEqual("\uFEFF"u8).ShouldBeTrue("spreadsheets read UTF-8 only after a byte order mark");
        var sage = Encoding.UTF8.GetString(sageBytes.AsSpan(3));

        generic.ShouldContain("\"'=HYPERLINK(\"\"http://evil.test\"\")\"");
        // The guard also quotes what it escapes, as OWASP advises.
        generic.ShouldContain(",\"'@SUM(A1:A9)\",");
        generic.ShouldNotContain(",=HYPERLINK");
        generic.ShouldNotContain("\"=HYPERLINK");
        sage.ShouldContain(";\"'@SUM(A1:A9)\";");
        sage.ShouldNotContain(";@SUM");
        sage.ShouldNotContain(";\"@SUM");
        sage.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).ShouldAllBe(line => line.StartsWith("BQ;", StringComparison.Ordinal));
        sage.ShouldStartWith("Code journal;");
    }

    [Fact]
    public async Task Trial_balance_and_aged_receivables_match_what_the_invoices_say()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var late = await app.AnInvoice(client).WithLine("Old work", 1, 100_00).IssuedDaysAgo(75).DueInDays(30).IssuedAsync();
        var current = await app.AnInvoice(client).WithLine("New work", 1, 60_00, taxBasisPoints: 2000).DueInDays(30).IssuedAsync();
        await app.PayByTransferAsync(client, late.Id, 25_00);
        var month = AccountingPeriod.Of(app.Today);

        var balance = await app.AsStaffOfAsync<BooksReports, IReadOnlyList<TrialBalanceRow>>(firm, r => r.TrialBalanceAsync(month, month));
        balance.Single(r => r.Account == "411").ClosingMinor.ShouldBe(100_00 + 72_00 - 25_00);
        balance.Single(r => r.Account == "706").ClosingMinor.ShouldBe(-160_00);
        balance.Single(r => r.Account == "44571").ClosingMinor.ShouldBe(-12_00);
        balance.Single(r => r.Account == "512").DebitMinor.ShouldBe(25_00);
        balance.Sum(r => r.ClosingMinor).ShouldBe(0);

        var aged = (await app.AsStaffOfAsync<BooksReports, IReadOnlyList<AgedReceivable>>(firm, r => r.AgedReceivablesAsync(app.Today))).Single();
        aged.Days31To60Minor.ShouldBe(75_00, "due 45 days ago, 25 paid");
        aged.CurrentMinor.ShouldBe(72_00);
        await using var db = app.OpenDb(firm.Id);
        var due = await db.Invoices.Where(i => i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid).ToListAsync();
        aged.TotalMinor.ShouldBe(due.Sum(i => i.AmountDue.Minor));

        var (_, ledger) = await app.AsStaffOfAsync<BooksReports, (IReadOnlyList<TrialBalanceRow>, IReadOnlyList<AccountLedgerRow>)>(firm, r => r.AccountLedgerAsync("411", month, month));
        ledger.Count.ShouldBe(3);
        ledger[^1].BalanceMinor.ShouldBe(147_00);
        var detail = await app.AsStaffOfAsync<BooksReports, TransactionDetail>(firm, r => r.TransactionAsync(ledger[^1].Entry.TransactionId));
        detail.Payment.ShouldNotBeNull().Amount.ShouldBe(client.Amount(25_00));
        detail.Invoices.Single().Number.ShouldBe(late.Number);
    }

    private static long Minor(string amount) => long.Parse(amount.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private static long Sum(List<string[]> rows, string account, bool credit) =>
        rows.Where(r => r[4] == account && r[17] == "").Sum(r => Minor(credit ? r[12] : r[11]) - Minor(credit ? r[11] : r[12]));
}
