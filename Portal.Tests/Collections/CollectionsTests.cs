using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Collections;
using Portal.Reminders;
using Portal.Tests.Fixture;
using Portal.Tests.Reminders;

namespace Portal.Tests.Collections;

/// <summary>The staff collections view: overdue money by client and age, who cannot be reminded, promises to pay, and its CSV.</summary>
public sealed class CollectionsTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Overdue_money_is_aged_by_client_a_client_without_email_is_flagged_and_a_promise_holds_reminders()
    {
        var firm = await app.AFirmAsync();
        await app.TurnOnRemindersAsync(firm);
        var dupont = await app.AClientAsync(firm, name: "Maison Dupont");
        await app.AnInvoice(dupont).WithLine("Accounts", 1, 100_00).DueInLocalDays(app, -10, issuedDaysAgo: 40).IssuedAsync();
        await app.AnInvoice(dupont).WithLine("Payroll", 1, 200_00).DueInLocalDays(app, -45, issuedDaysAgo: 75).IssuedAsync();
        await app.AnInvoice(dupont).WithLine("Audit", 1, 300_00).DueInLocalDays(app, -100, issuedDaysAgo: 130).IssuedAsync();
        await app.AnInvoice(dupont).WithLine("Next month", 1, 50_00).DueInLocalDays(app, 20).IssuedAsync();
        var formula = await app.AClientAsync(firm, name: "=HYPERLINK(\"http://x.test\")");
        await app.AnInvoice(formula).WithLine("Filing", 1, 70_00).DueInLocalDays(app, -5, issuedDaysAgo: 30).IssuedAsync();
        var onTime = await app.AClientAsync(firm, name: "Blue River");
        await app.AnInvoice(onTime).WithLine("Retainer", 1, 900_00).DueInLocalDays(app, 5).IssuedAsync();
        await using (var db = app.OpenDb(firm.Id))
        {
            (await db.ClientAccounts.SingleAsync(c => c.Id == formula.Id)).OptOutOfInvoiceEmails(true);
            await db.SaveChangesAsync();
        }
        var promisedBy = app.LocalToday().AddDays(3);
        await app.AsStaffOfAsync<ReminderSettings>(firm, s => s.PromiseAsync(dupont.Id, promisedBy, "Transfer on Friday, said Anna"));

        var (rows, total) = await app.AsStaffOfAsync<Portal.Collections.Collections, (IReadOnlyList<CollectionsRow>, int)>(firm, c => c.ReadAsync());
        total.ShouldBe(2);
        var first = rows[0];
        (first.Client, first.CurrentMinor, first.Days1To30Minor, first.Days31To60Minor, first.Days61To90Minor, first.Over90Minor, first.TotalMinor)
            .ShouldBe(("Maison Dupont", 50_00L, 100_00L, 200_00L, 0L, 300_00L, 650_00L));
        (first.NoEmail, first.PromisedBy, first.PromiseNote, first.NextReminderOn).ShouldBe((false, promisedBy, "Transfer on Friday, said Anna", (DateOnly?)null));
        (rows[1].Client, rows[1].Days1To30Minor, rows[1].NoEmail).ShouldBe(("=HYPERLINK(\"http://x.test\")", 70_00L, true));

        // Dupont's ten-day-old invoice is at the "overdue" step, but the promise holds it; the other client has no address.
        (await app.Sweeper().DecideAsync()).ShouldBe(0);
        await Should.ThrowAsync<Portal.Domain.DomainException>(() =>
            app.AsStaffOfAsync<ReminderSettings>(firm, s => s.PromiseAsync(dupont.Id, app.LocalToday().AddDays(-1), null)));

        using var staff = await app.SignInAsync(firm.Staff);
        var response = await staff.GetAsync("/staff/collections/export.csv");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').ReplaceLineEndings("\n").Trim().Split('\n');
        lines[0].ShouldBe(string.Join(",", Portal.Collections.Collections.CsvHeaders));
        lines[1].ShouldStartWith("Maison Dupont,EUR,50.00,100.00,200.00,0.00,300.00,650.00,");
        // The formula is escaped, not left for a spreadsheet to run.
        lines[2].ShouldStartWith("\"'=HYPERLINK(\"\"http://x.test\"\")\",EUR,0.00,70.00");
        (await app.AnonymousSession().GetAsync("/staff/collections/export.csv")).StatusCode.ShouldNotBe(HttpStatusCode.OK);

        var (status, html) = await staff.GetPageAsync("/staff/collections");
        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("Maison Dupont");
        html.ShouldContain("Cannot be reminded: no email");
        html.ShouldContain("Transfer on Friday, said Anna");
    }

    [Fact]
    public async Task Dso_and_the_money_each_reminder_step_brought_in_are_shown_to_staff()
    {
        var firm = await app.AFirmAsync();
        await app.TurnOnRemindersAsync(firm);
        var payer = await app.AClientAsync(firm);
        var answered = await app.AnInvoice(payer).WithLine("Accounts", 1, 400_00).DueInLocalDays(app, -7, issuedDaysAgo: 37).IssuedAsync();
        var silent = await app.AClientAsync(firm);
        await app.AnInvoice(silent).WithLine("Payroll", 1, 600_00).DueInLocalDays(app, -7, issuedDaysAgo: 37).IssuedAsync();
        // Invoiced and paid before the 90 days DSO looks at: neither owed nor invoiced in the period.
        var old = await app.AnInvoice(payer).WithLine("Last year", 1, 5_000_00).IssuedDaysAgo(120).DueInDays(30).IssuedAsync();
        await app.PayByTransferAsync(payer, old.Id, 5_000_00);

        (await app.Sweeper().SweepAsync()).ShouldBe((2, 2));
        await app.PayByTransferAsync(payer, answered.Id, 150_00);

        var effect = await app.AsStaffOfAsync<CollectionsInsights, IReadOnlyList<Portal.Domain.Reminders.StepEffect>>(firm, i => i.ReminderEffectAsync());
        var overdue = effect.Single(e => e.Step == Portal.Domain.Reminders.ReminderStep.Overdue);
        (overdue.Sent, overdue.FollowedByPayment).ShouldBe((2, 1));
        overdue.Collected.ShouldBe([payer.Amount(150_00)]);
        // Owed now 250 + 600 over 1,000 invoiced in the last 90 days: 76.5 days, rounded to 77.
        var dso = (await app.AsStaffOfAsync<CollectionsInsights, IReadOnlyList<DaysSalesOutstanding>>(firm, i => i.DsoAsync())).ShouldHaveSingleItem();
        (dso.Days, dso.Receivable, dso.InvoicedInPeriod).ShouldBe((77, payer.Amount(850_00), payer.Amount(1_000_00)));

        using var staff = await app.SignInAsync(firm.Staff);
        var (_, dashboard) = await staff.GetPageAsync("/staff");
        var shown = WebUtility.HtmlDecode(dashboard);
        shown.ShouldContain("Collected after reminders (last 90 days)");
        shown.ShouldContain("€150.00");
        var (_, collections) = await staff.GetPageAsync("/staff/collections");
        WebUtility.HtmlDecode(collections).ShouldContain("77 days");
    }
}
