using System.Net;
using System.Text.RegularExpressions;
using Portal.Components.Shared;
using Portal.Domain.Recurring;
using Portal.Recurring;
using Portal.Tests.Documents;
using Portal.Tests.Fixture;

namespace Portal.Tests.Recurring;

/// <summary>The staff pages of recurring invoices, as served: the list with its MRR, a schedule with its next dates and invoices, in both languages.</summary>
public sealed partial class RecurringPagesTests(RecurringPagesTests.App app) : IClassFixture<RecurringPagesTests.App>
{
    public sealed class App : RecurringPortalApp;

    [Fact]
    public async Task A_generated_invoice_names_the_week_it_bills_on_its_page_in_its_pdf_and_in_its_e_invoice()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var today = app.LocalToday();
        await app.AWeeklyScheduleAsync(client, today, autoSend: false);
        (await app.Generator().GenerateDueAsync()).ShouldBe(1);
        var invoice = (await app.InvoicesOfAsync(firm)).Single();
        var english = System.Globalization.CultureInfo.GetCultureInfo("en-GB");
        var period = $"{DateFormat.Show(today, english)} – {DateFormat.Show(today.AddDays(6), english)}";

        using var staff = await app.SignInAsync(firm.Staff);
        var page = WebUtility.HtmlDecode((await staff.GetPageAsync($"/staff/invoices/{invoice.Id}")).Html);
        var (_, pdf, _) = await staff.DownloadAsync($"/staff/invoices/{invoice.Id}/pdf");
        var (_, xml, _) = await staff.DownloadAsync($"/staff/invoices/{invoice.Id}/factur-x.xml");
        using var contact = await app.SignInAsync(client.Contact);
        var clientPage = WebUtility.HtmlDecode((await contact.GetPageAsync($"/portal/invoices/{invoice.Id}")).Html);

        (invoice.PeriodStart, invoice.PeriodEnd).ShouldBe((today, today.AddDays(6)));
        page.ShouldContain(period);
        clientPage.ShouldContain(period);
        var reading = PdfReading.Of(pdf);
        (reading.Shows("Period"), reading.Shows(period)).ShouldBe((true, true), reading.Text);
        var cii = Portal.Tests.EInvoicing.FacturXSchema.ShouldBeValidFacturX(xml);
        Portal.Tests.EInvoicing.FacturXSchema.Text(cii, "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/BillingSpecifiedPeriod/EndDateTime/DateTimeString")
            .ShouldBe(today.AddDays(6).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_list_shows_each_schedule_and_the_MRR_and_a_schedule_shows_its_next_dates_and_invoices()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm, name: "Atelier Rivoli");
        var today = app.LocalToday();
        // 90.00 + 20% tax a week: 108.00 × 52 ÷ 12 = 468.00 a month.
        var scheduleId = await app.AWeeklyScheduleAsync(client, today.AddDays(-7), unitPriceMinor: 90_00, autoSend: false);
        (await app.Generator().GenerateDueAsync()).ShouldBe(2);
        var other = await app.AClientAsync(firm, name: "Quai Voltaire");
        var paused = await app.AWeeklyScheduleAsync(other, today, unitPriceMinor: 50_00, autoSend: false);
        await app.AsStaffOfAsync<RecurringSchedules>(firm, s => s.PauseAsync(paused));

        using var staff = await app.SignInAsync(firm.Staff);
        var (status, listHtml) = await staff.GetPageAsync("/staff/recurring");
        var list = WebUtility.HtmlDecode(listHtml);

        status.ShouldBe(HttpStatusCode.OK);
        Regex.Matches(list, "<h1[ >]").Count.ShouldBe(1);
        list.ShouldContain("<title>Recurring invoices");
        list.ShouldContain("Atelier Rivoli");
        list.ShouldContain("Quai Voltaire");
        // The paused schedule brings nothing in: the MRR is the active one's alone.
        Regex.Matches(list, "data-testid=\"mrr-amount\"").Count.ShouldBe(1);
        list.ShouldContain("468.00");

        var page = WebUtility.HtmlDecode((await staff.GetPageAsync($"/staff/recurring/{scheduleId}")).Html);
        Regex.Matches(page, "data-testid=\"preview-row\"").Count.ShouldBe(RecurringSchedules.PreviewCount);
        // The preview starts at the next period, a week from today: the two made already are listed as invoices instead.
        page.ShouldContain(DateFormat.Show(today.AddDays(7), System.Globalization.CultureInfo.GetCultureInfo("en-GB")));
        page.ShouldContain("INV-00001");
        page.ShouldContain("INV-00002");
        Regex.Matches(page, "<h1[ >]").Count.ShouldBe(1);
        page.ShouldContain("aria-label=\"Remove line\"");

        (await staff.GetAsync("/culture/fr?redirectUri=/staff/recurring")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var french = WebUtility.HtmlDecode((await staff.GetPageAsync("/staff/recurring")).Html);
        french.ShouldContain("Factures récurrentes");
        french.ShouldContain("Revenu mensuel récurrent");
        french.ShouldContain("En pause");
    }

    [Fact]
    public async Task Another_firms_schedule_is_not_found()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var scheduleId = await app.AWeeklyScheduleAsync(client, app.LocalToday().AddDays(30), autoSend: false);
        var stranger = await app.AFirmAsync();

        await Should.ThrowAsync<Portal.Data.NotFoundException>(() => app.AsStaffOfAsync<RecurringSchedules>(stranger, s => s.PauseAsync(scheduleId)));
        (await app.AsStaffOfAsync<RecurringSchedules, RecurringSchedule>(firm, s => s.GetAsync(scheduleId))).Status.ShouldBe(ScheduleStatus.Active);
    }
}
