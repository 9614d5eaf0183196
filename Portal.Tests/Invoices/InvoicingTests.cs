using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Invoices;
using Portal.Tests.Fixture;

namespace Portal.Tests.Invoices;

public sealed class InvoicingTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static InvoiceDraft Draft(TestClient client, params InvoiceLineInput[] lines) =>
        new(client.Id, client.Currency.Code, new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1), null, null, PaymentMethods.All, lines);

    [Fact]
    public async Task Issued_invoice_gets_the_next_number_and_its_totals_follow_the_rounding_rule()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var id = await app.AsStaffOfAsync<Invoicing, Guid>(firm, s => s.CreateDraftAsync(Draft(client,
            new InvoiceLineInput("Hours", 1.5m, 3333, 2000), new InvoiceLineInput("Filing fee", 1, 1005, 550))));
        var number = await app.AsStaffOfAsync<Invoicing, string>(firm, s => s.IssueAsync(id));

        number.ShouldBe("INV-00001");
        await using var db = app.OpenDb(firm.Id);
        var invoice = await db.Invoices.SingleAsync(i => i.Id == id);
        // 1.5 × 33.33 = 49.995 → 50.00; tax 20% = 10.00. 10.05 with 5.5% = 0.55275 → 0.55.
        invoice.SubtotalMinor.ShouldBe(5000 + 1005);
        invoice.TaxMinor.ShouldBe(1000 + 55);
        invoice.TotalMinor.ShouldBe(7060);
        invoice.Status.ShouldBe(InvoiceStatus.Open);
    }

    [Fact]
    public async Task Overdue_is_counted_from_the_apps_today_whatever_day_the_suite_runs_on()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        // Issued a month ago: due yesterday, today and tomorrow, across a month, year or leap day as the calendar has it.
        var dueYesterday = await app.AnInvoice(client).IssuedDaysAgo(30).DueInDays(29).IssuedAsync();
        var dueToday = await app.AnInvoice(client).IssuedDaysAgo(30).DueInDays(30).IssuedAsync();
        await app.AnInvoice(client).IssuedDaysAgo(30).DueInDays(31).IssuedAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        var (_, dashboard) = await staff.GetPageAsync("/staff");

        app.Clock.ShouldBeOfType<TestClock>();
        (dueYesterday.DueDate, dueToday.DueDate).ShouldBe((app.Today.AddDays(-1), app.Today));
        Regex.Match(dashboard, "data-testid=\"overdue-count\"[^>]*>([^<]*)<").Groups[1].Value.ShouldBe("1", dashboard);
    }

    [Fact]
    public async Task Invoices_issued_at_the_same_time_get_distinct_gapless_numbers()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var ids = new List<Guid>();
        for (var i = 0; i < 12; i++)
            ids.Add(await app.AsStaffOfAsync<Invoicing, Guid>(firm, s => s.CreateDraftAsync(Draft(client, new InvoiceLineInput("Work", 1, 1000, 0)))));

        var numbers = await Task.WhenAll(ids.Select(id => app.AsStaffOfAsync<Invoicing, string>(firm, s => s.IssueAsync(id))));

        numbers.Order().ShouldBe(Enumerable.Range(1, 12).Select(n => $"INV-{n:D5}"));
    }

    [Fact]
    public async Task Bad_drafts_are_refused_with_a_clear_message_and_nothing_is_saved()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var noLines = Draft(client);
        var negative = Draft(client, new InvoiceLineInput("Refund?", -1, 1000, 0));
        var negativePrice = Draft(client, new InvoiceLineInput("Discount", 1, -500, 0));
        var dueBeforeIssue = Draft(client, new InvoiceLineInput("Work", 1, 1000, 0)) with { DueDate = new DateOnly(2026, 10, 1) };
        var unknownCurrency = Draft(client, new InvoiceLineInput("Work", 1, 1000, 0)) with { CurrencyCode = "XYZ" };

        (await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<Invoicing, Guid>(firm, s => s.CreateDraftAsync(negative)))).Message.ShouldContain("quantity");
        (await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<Invoicing, Guid>(firm, s => s.CreateDraftAsync(negativePrice)))).Message.ShouldContain("price");
        (await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<Invoicing, Guid>(firm, s => s.CreateDraftAsync(dueBeforeIssue)))).Message.ShouldContain("due date");
        (await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<Invoicing, Guid>(firm, s => s.CreateDraftAsync(unknownCurrency)))).Message.ShouldContain("XYZ");
        var emptyId = await app.AsStaffOfAsync<Invoicing, Guid>(firm, s => s.CreateDraftAsync(noLines));
        (await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<Invoicing, string>(firm, s => s.IssueAsync(emptyId)))).Message.ShouldContain("at least one line");

        await using var db = app.OpenDb(firm.Id);
        (await db.Invoices.CountAsync()).ShouldBe(1);
        (await db.Invoices.SingleAsync()).Status.ShouldBe(InvoiceStatus.Draft);
        (await db.Firms.SingleAsync()).NextInvoiceNumber.ShouldBe(1);
    }

    [Fact]
    public async Task An_issued_invoice_cannot_be_edited_and_is_voided_with_a_reason()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 120_00).IssuedAsync();

        var edit = await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<Invoicing>(firm, s => s.UpdateDraftAsync(invoice.Id, Draft(client, new InvoiceLineInput("Changed", 1, 1, 0)))));
        edit.Message.ShouldContain("void it");
        await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<Invoicing>(firm, s => s.VoidAsync(invoice.Id, "  ")));
        await app.AsStaffOfAsync<Invoicing>(firm, s => s.VoidAsync(invoice.Id, "Wrong client"));

        await using var db = app.OpenDb(firm.Id);
        var stored = await db.Invoices.SingleAsync(i => i.Id == invoice.Id);
        stored.Status.ShouldBe(InvoiceStatus.Void);
        stored.TotalMinor.ShouldBe(120_00);
        stored.Lines.Single().Description.ShouldBe("Audit");
        // The refused void left no trace; the real one did, with who and why.
        var audit = await db.AuditEntries.SingleAsync();
        (audit.Action, audit.UserId).ShouldBe(("Invoice voided", firm.Staff.UserId));
        audit.After!.ShouldContain("Wrong client");
    }

    [Fact]
    public async Task Another_firms_invoice_is_not_found_and_stays_untouched()
    {
        var firmA = await app.AFirmAsync();
        var firmB = await app.AFirmAsync();
        var clientB = await app.AClientAsync(firmB);
        var invoiceB = await app.AnInvoice(clientB).DraftAsync();

        await Should.ThrowAsync<NotFoundException>(() => app.AsStaffOfAsync<Invoicing, string>(firmA, s => s.IssueAsync(invoiceB.Id)));
        await Should.ThrowAsync<NotFoundException>(() => app.AsStaffOfAsync<Invoicing>(firmA, s => s.DeleteDraftAsync(invoiceB.Id)));
        await Should.ThrowAsync<NotFoundException>(() => app.AsStaffOfAsync<Invoicing, Guid>(firmA, s => s.CreateDraftAsync(Draft(clientB, new InvoiceLineInput("x", 1, 1, 0)))));

        await using var db = app.OpenDb(firmB.Id);
        (await db.Invoices.SingleAsync()).Status.ShouldBe(InvoiceStatus.Draft);
    }
}
