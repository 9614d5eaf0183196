using System.Globalization;
using System.Net;
using Portal.Components.Shared;
using Portal.Dashboard;
using Portal.DirectDebit;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Fixture;
using Portal.Tests.Recurring;
using Portal.Tests.Reminders;

namespace Portal.Tests.Dashboard;

/// <summary>
/// The dashboards' figures: cash collected per month and method in the firm's calendar, money overdue and who owes it,
/// direct debits expected in the coming days, and a client's own payments this year, on the pages in both languages.
/// </summary>
public sealed class DashboardFiguresTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById(Firm.DefaultTimeZone);

    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Cash_per_month_counts_money_that_succeeded_less_refunds_by_method_in_the_firms_months_and_nothing_of_another_firm()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var thisMonth = FirstOfMonth(app.LocalToday());
        // Two months ago, mid-month; last month by cheque, and by transfer at half past midnight on the 1st in Paris,
        // which is still the month before in UTC; thirteen months ago, before the twelve months shown.
        await PayByHandAsync(client, PaymentMethod.BankTransfer, 200_00, ParisTime(thisMonth.AddMonths(-2).AddDays(14), 12));
        await PayByHandAsync(client, PaymentMethod.Cheque, 50_00, ParisTime(thisMonth.AddMonths(-1).AddDays(14), 12));
        var firstMinutesOfLastMonth = ParisTime(thisMonth.AddMonths(-1), 0).AddMinutes(30);
        firstMinutesOfLastMonth.UtcDateTime.Month.ShouldNotBe(thisMonth.AddMonths(-1).Month);
        await PayByHandAsync(client, PaymentMethod.BankTransfer, 30_00, firstMinutesOfLastMonth);
        await PayByHandAsync(client, PaymentMethod.BankTransfer, 777_00, ParisTime(thisMonth.AddMonths(-12).AddDays(14), 12));
        // This month: a card payment partly refunded, one refunded in full, a direct debit collected, one that failed,
        // and a card payment never finished.
        var partlyRefunded = await ByProviderAsync(client, PaymentMethod.Card, 100_00);
        await Provider(firm, p => p.RecordRefundAsync(partlyRefunded, client.Amount(30_00), MoneyChecks.NewKey()));
        var refunded = await ByProviderAsync(client, PaymentMethod.Card, 45_00);
        await Provider(firm, p => p.RecordRefundAsync(refunded, client.Amount(45_00), MoneyChecks.NewKey()));
        await ByProviderAsync(client, PaymentMethod.DirectDebit, 120_00);
        await ByProviderAsync(client, PaymentMethod.DirectDebit, 99_00, outcome: Outcome.Failed);
        await ByProviderAsync(client, PaymentMethod.Card, 66_00, outcome: Outcome.Abandoned);
        var other = await app.AFirmWithAClientAsync();
        await PayByHandAsync(other.Client, PaymentMethod.BankTransfer, 999_00, app.Clock.GetUtcNow());

        var figures = await app.AsStaffOfAsync<DashboardFigures, StaffFigures>(firm, f => f.ForFirmAsync());

        var cash = figures.Cash.ShouldHaveSingleItem();
        cash.Currency.ShouldBe(Currency.EUR);
        cash.Months.Select(m => m.Month).ShouldBe(Enumerable.Range(0, 12).Select(m => thisMonth.AddMonths(m - 11)));
        Minor(cash.Months[9]).ShouldBe((0L, 0L, 200_00L));
        Minor(cash.Months[10]).ShouldBe((0L, 0L, 80_00L));
        Minor(cash.Months[11]).ShouldBe((70_00L, 120_00L, 0L));
        cash.Months.Take(9).ShouldAllBe(m => m.Total.Minor == 0);
        cash.Total.ShouldBe(client.Amount(470_00));
    }

    [Fact]
    public async Task A_refund_takes_from_the_month_it_is_made_and_a_refund_that_failed_gives_back_in_its_own()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var paid = await ByProviderAsync(client, PaymentMethod.Card, 100_00);
        var paidIn = FirstOfMonth(app.LocalToday());
        while (FirstOfMonth(app.LocalToday()) == paidIn)
            ((TestClock)app.Clock).Advance(TimeSpan.FromDays(1));
        await Provider(firm, p => p.RecordRefundAsync(paid, client.Amount(40_00), MoneyChecks.NewKey()));
        await Provider(firm, p => p.RecordRefundFailedAsync(paid, client.Amount(15_00), MoneyChecks.NewKey()));

        var cash = (await app.AsStaffOfAsync<DashboardFigures, StaffFigures>(firm, f => f.ForFirmAsync())).Cash.ShouldHaveSingleItem();

        Minor(cash.Months[10]).ShouldBe((100_00L, 0L, 0L));
        Minor(cash.Months[11]).ShouldBe((-25_00L, 0L, 0L));
        cash.Total.ShouldBe(client.Amount(75_00));
    }

    [Fact]
    public async Task Overdue_money_is_summed_per_currency_and_the_five_clients_owing_most_are_listed_with_their_oldest_due_date()
    {
        var firm = await app.AFirmAsync();
        var dupont = await app.AClientAsync(firm, name: "Maison Dupont");
        await OwingAsync(dupont, 300_00, dueDaysAgo: 10);
        await OwingAsync(dupont, 200_00, dueDaysAgo: 40);
        await OwingAsync(dupont, 1_000_00, dueDaysAgo: -10);
        var river = await app.AClientAsync(firm, name: "Blue River");
        await OwingAsync(river, 700_00, dueDaysAgo: 5);
        var partly = await app.AClientAsync(firm, name: "Partly Paid");
        var invoice = await OwingAsync(partly, 100_00, dueDaysAgo: 3);
        await app.PayByTransferAsync(partly, invoice, 40_00);
        var small = new List<TestClient>();
        foreach (var (name, minor) in new[] { ("Fifty", 50_00L), ("Forty", 40_00L), ("Thirty", 30_00L) })
        {
            var client = await app.AClientAsync(firm, name: name);
            await OwingAsync(client, minor, dueDaysAgo: 1);
            small.Add(client);
        }
        // Due today is not overdue yet; another firm's overdue money is not this firm's.
        await OwingAsync(small[2], 5_000_00, dueDaysAgo: 0);
        var other = await app.AFirmWithAClientAsync();
        await OwingAsync(other.Client, 9_999_00, dueDaysAgo: 20);

        var figures = await app.AsStaffOfAsync<DashboardFigures, StaffFigures>(firm, f => f.ForFirmAsync());

        figures.Overdue.ShouldBe([new Money(1_380_00, Currency.EUR)]);
        figures.Outstanding.ShouldBe([new Money(7_380_00, Currency.EUR)]);
        figures.TopOverdue.Select(c => (c.Name, c.Overdue.Minor, c.OldestDueDate)).ShouldBe(
        [
            ("Blue River", 700_00L, app.Today.AddDays(-5)),
            ("Maison Dupont", 500_00L, app.Today.AddDays(-40)),
            ("Partly Paid", 60_00L, app.Today.AddDays(-3)),
            ("Fifty", 50_00L, app.Today.AddDays(-1)),
            ("Forty", 40_00L, app.Today.AddDays(-1)),
        ]);
        figures.TopOverdue[1].ClientAccountId.ShouldBe(dupont.Id);
    }

    [Fact]
    public async Task Expected_direct_debits_are_those_in_flight_charged_in_the_next_thirty_days_by_week()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var today = app.Today;
        await ScheduledAsync(client, 100_00, today);
        await ScheduledAsync(client, 200_00, today.AddDays(10));
        await ScheduledAsync(client, 300_00, today.AddDays(29));
        // After the window, before it (submitted and not confirmed yet, but no longer coming), and failed.
        await ScheduledAsync(client, 400_00, today.AddDays(30));
        await ScheduledAsync(client, 500_00, today.AddDays(-1));
        await ScheduledAsync(client, 600_00, today.AddDays(5), Outcome.Failed);
        var other = await app.AFirmWithAClientAsync();
        await ScheduledAsync(other.Client, 700_00, today.AddDays(3));

        var figures = await app.AsStaffOfAsync<DashboardFigures, StaffFigures>(firm, f => f.ForFirmAsync());

        var expected = figures.Expected.ShouldHaveSingleItem();
        (expected.Total, expected.Collections, expected.ToSendCount).ShouldBe((client.Amount(600_00), 3, 0));
        expected.Weeks.Select(w => (w.From, w.To, w.Amount.Minor)).ShouldBe(
        [
            (today, today.AddDays(6), 100_00L),
            (today.AddDays(7), today.AddDays(13), 200_00L),
            (today.AddDays(14), today.AddDays(20), 0L),
            (today.AddDays(21), today.AddDays(27), 0L),
            (today.AddDays(28), today.AddDays(29), 300_00L),
        ]);
    }

    [Fact]
    public async Task Direct_debits_still_to_send_are_expected_on_the_day_GoCardless_will_charge_them_for_clients_it_can_collect_from()
    {
        var (firm, client, noMandate) = await app.AFirmWithTwoClientsAsync();
        var today = app.Today;
        await SetPolicyAsync(firm, new PaymentPolicy { AutoCollectDirectDebitOnDueDate = true });
        // GoCardless can first charge this client's mandate in three days.
        await using (var db = app.OpenDb(firm.Id))
        {
            var mandate = new DirectDebitMandate(firm.Id, client.Id, "MD000FORECAST", "CU000FORECAST", "sepa_core", client.Currency, app.Clock.GetUtcNow());
            mandate.Update(MandateStatus.Active, today.AddDays(3), app.Clock.GetUtcNow());
            db.DirectDebitMandates.Add(mandate);
            await db.SaveChangesAsync();
        }
        // Sent: in flight at GoCardless.
        await ScheduledAsync(client, 100_00, today.AddDays(10));
        // Waiting for automatic collection: due in five days; overdue (charged on the mandate's first day); due after the window.
        await OwingAsync(client, 200_00, dueDaysAgo: -5);
        await OwingAsync(client, 250_00, dueDaysAgo: 1);
        await OwingAsync(client, 275_00, dueDaysAgo: -40);
        // A failed automatic collection retried in a week, of what its invoice still owes.
        var (failedInvoice, failedPayment) = await ScheduledAsync(client, 300_00, today.AddDays(-5), Outcome.Failed);
        await using (var db = app.OpenDb(firm.Id))
        {
            db.DirectDebitRetries.Add(new DirectDebitRetry(firm.Id, client.Id, failedInvoice, failedPayment, 1, "insufficient_funds", today.AddDays(7), app.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }
        // A weekly auto-collect schedule (108.00 with tax, due 14 days after issue) from the day after tomorrow: it makes
        // four invoices in the window, and two of them fall due in it.
        await app.AWeeklyScheduleAsync(client, today.AddDays(2), autoCollect: true);
        // A client without a mandate pays its way: none of this is expected.
        await OwingAsync(noMandate, 400_00, dueDaysAgo: -5);
        await app.AWeeklyScheduleAsync(noMandate, today.AddDays(2), autoCollect: true);

        var expected = (await app.AsStaffOfAsync<DashboardFigures, StaffFigures>(firm, f => f.ForFirmAsync())).Expected.ShouldHaveSingleItem();

        (expected.Sent.Minor, expected.SentCount, expected.ToSend.Minor, expected.ToSendCount).ShouldBe((100_00L, 1, 966_00L, 5));
        expected.Weeks.Select(w => (w.From, w.Sent.Minor, w.ToSend.Minor)).ShouldBe(
        [
            (today, 0L, 250_00L + 200_00L),
            (today.AddDays(7), 100_00L, 300_00L),
            (today.AddDays(14), 0L, 108_00L),
            (today.AddDays(21), 0L, 108_00L),
            (today.AddDays(28), 0L, 0L),
        ]);

        // Without automatic collection on due dates, only what the schedules hand over is still to come.
        await SetPolicyAsync(firm, new PaymentPolicy());
        expected = (await app.AsStaffOfAsync<DashboardFigures, StaffFigures>(firm, f => f.ForFirmAsync())).Expected.ShouldHaveSingleItem();
        (expected.Sent.Minor, expected.ToSend.Minor, expected.ToSendCount).ShouldBe((100_00L, 216_00L, 2));

        // A client who turns automatic payment off is no longer expected to pay by direct debit.
        await using (var db = app.OpenDb(firm.Id))
        {
            (await db.ClientAccounts.SingleAsync(c => c.Id == client.Id)).ChooseAutomaticPayment(AutomaticPaymentChoice.Off);
            await db.SaveChangesAsync();
        }
        expected = (await app.AsStaffOfAsync<DashboardFigures, StaffFigures>(firm, f => f.ForFirmAsync())).Expected.ShouldHaveSingleItem();
        (expected.Sent.Minor, expected.ToSendCount).ShouldBe((100_00L, 0));
    }

    [Fact]
    public async Task A_client_sees_what_it_paid_each_month_of_the_firms_year_and_nothing_of_another_client()
    {
        var (firm, client, neighbour) = await app.AFirmWithTwoClientsAsync();
        var localToday = app.LocalToday();
        await ByProviderAsync(client, PaymentMethod.Card, 60_00);
        await ByProviderAsync(neighbour, PaymentMethod.Card, 10_00);
        // The last day of last year, in the firm's calendar.
        await PayByHandAsync(client, PaymentMethod.BankTransfer, 80_00, ParisTime(new DateOnly(localToday.Year, 1, 1), 0).AddMinutes(-30));

        var (year, paid) = await app.AsClientAsync<DashboardFigures, (int, IReadOnlyList<CashByMonth>)>(client, f => f.ForClientThisYearAsync(client.Id));

        year.ShouldBe(localToday.Year);
        var months = paid.ShouldHaveSingleItem().Months;
        months.Count.ShouldBe(localToday.Month);
        months[^1].Total.ShouldBe(client.Amount(60_00));
        months.Sum(m => m.Total.Minor).ShouldBe(60_00);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("fr")]
    public async Task The_staff_and_client_dashboards_show_the_figures_in_the_readers_language(string language)
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var owner = await app.AClientAsync(firm, name: "Maison Dupont");
        await OwingAsync(owner, 250_00, dueDaysAgo: 12);
        await ByProviderAsync(client, PaymentMethod.Card, 123_45);
        await ScheduledAsync(client, 80_00, app.Today.AddDays(2));
        var culture = language == "fr" ? French : English;
        string Eur(long minor) => MoneyFormat.Format(new Money(minor, Currency.EUR), culture);

        using var staff = await app.SignInAsync(firm.Staff);
        (await staff.GetAsync($"/culture/{language}?redirectUri=/staff")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var (status, html) = await staff.GetPageAsync("/staff");
        status.ShouldBe(HttpStatusCode.OK);
        var page = WebUtility.HtmlDecode(html);
        page.ShouldContain(language == "fr" ? "Encaissements des 12 derniers mois (EUR)" : "Cash collected, last 12 months (EUR)");
        page.ShouldContain(language == "fr" ? "Prélèvements attendus dans les 30 prochains jours" : "Direct debits expected in the next 30 days");
        page.ShouldContain(language == "fr" ? "Clients les plus en retard" : "Clients most overdue");
        page.ShouldContain(Eur(123_45));
        page.ShouldContain(Eur(80_00));
        page.ShouldContain(language == "fr" ? $"Déjà envoyé à GoCardless : {Eur(80_00)}. Encore à envoyer : {Eur(0)}"
            : $"Already sent to GoCardless: {Eur(80_00)}. Still to send: {Eur(0)}");
        page.ShouldContain(Eur(250_00));
        page.ShouldContain("Maison Dupont");
        page.ShouldContain($"/staff/clients/{owner.Id}");
        page.ShouldContain("<svg");

        using var contact = await app.SignInAsync(client.Contact);
        (await contact.GetAsync($"/culture/{language}?redirectUri=/portal")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (status, html) = await contact.GetPageAsync("/portal");
        status.ShouldBe(HttpStatusCode.OK);
        page = WebUtility.HtmlDecode(html);
        var year = app.LocalToday().Year;
        page.ShouldContain(language == "fr" ? $"Vos paiements en {year}" : $"Your payments in {year}");
        page.ShouldContain(language == "fr" ? $"{Eur(123_45)} payés cette année." : $"{Eur(123_45)} paid this year.");
    }

    private enum Outcome { Succeeded, Failed, Abandoned }

    private static DateOnly FirstOfMonth(DateOnly day) => new(day.Year, day.Month, 1);

    private static DateTimeOffset ParisTime(DateOnly day, int hour) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(hour, 0)), Paris), TimeSpan.Zero);

    private static (long Card, long DirectDebit, long ByHand) Minor(CashMonth month) => (month.Card.Minor, month.DirectDebit.Minor, month.ByHand.Minor);

    private Task<MoneyResult> Provider(TestFirm firm, Func<ProviderPayments, Task<MoneyResult>> action) => app.AsProviderForAsync(firm, action);

    /// <summary>An invoice of <paramref name="minor"/> issued long ago, due <paramref name="dueDaysAgo"/> days before today.</summary>
    private async Task<Guid> OwingAsync(TestClient client, long minor, int dueDaysAgo) =>
        (await app.AnInvoice(client).WithLine("Accounts", 1, minor).IssuedDaysAgo(400).DueInDays(400 - dueDaysAgo).IssuedAsync()).Id;

    private async Task PayByHandAsync(TestClient client, PaymentMethod method, long minor, DateTimeOffset receivedAt)
    {
        var invoice = await OwingAsync(client, minor, dueDaysAgo: -30);
        await app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(client.Firm, r => r.RecordAsync(new(client.Id, method, client.Amount(minor),
            [new InvoiceAmount(invoice, client.Amount(minor))], false, null, MoneyChecks.NewKey(), receivedAt)));
    }

    private async Task<Guid> ByProviderAsync(TestClient client, PaymentMethod method, long minor, Outcome outcome = Outcome.Succeeded)
    {
        var invoice = await OwingAsync(client, minor, dueDaysAgo: -30);
        var provider = method == PaymentMethod.Card ? PaymentProvider.Stripe : PaymentProvider.GoCardless;
        var paymentId = (await Provider(client.Firm, p => p.InitiateAsync(new(client.Id, method, provider,
            [new InvoiceAmount(invoice, client.Amount(minor))], null, MoneyChecks.NewKey())))).Id!.Value;
        if (outcome == Outcome.Abandoned)
            return paymentId;
        await Provider(client.Firm, p => p.MarkProcessingAsync(paymentId, MoneyChecks.NewKey()));
        await Provider(client.Firm, p => outcome == Outcome.Failed
            ? p.MarkFailedAsync(paymentId, "insufficient_funds", MoneyChecks.NewKey())
            : p.MarkSucceededAsync(paymentId, null, MoneyChecks.NewKey()));
        return paymentId;
    }

    private async Task SetPolicyAsync(TestFirm firm, PaymentPolicy policy)
    {
        await using var db = app.OpenDb(firm.Id);
        (await db.Firms.SingleAsync()).ChangePolicy(policy);
        await db.SaveChangesAsync();
    }

    /// <summary>A direct debit sent to GoCardless for <paramref name="chargeDate"/>, still in flight unless it failed.</summary>
    private async Task<(Guid InvoiceId, Guid PaymentId)> ScheduledAsync(TestClient client, long minor, DateOnly chargeDate, Outcome outcome = Outcome.Succeeded)
    {
        var invoice = await OwingAsync(client, minor, dueDaysAgo: -60);
        var paymentId = (await Provider(client.Firm, p => p.InitiateAsync(new(client.Id, PaymentMethod.DirectDebit, PaymentProvider.GoCardless,
            [new InvoiceAmount(invoice, client.Amount(minor))], null, MoneyChecks.NewKey())))).Id!.Value;
        await using (var db = app.OpenDb(client.Firm.Id))
        {
            db.ScheduledCollections.Add(new ScheduledCollection(paymentId, client.Firm.Id, client.Id, invoice, "MD000TEST", chargeDate, automatic: true));
            await db.SaveChangesAsync();
        }
        await Provider(client.Firm, p => p.MarkProcessingAsync(paymentId, MoneyChecks.NewKey()));
        if (outcome == Outcome.Failed)
            await Provider(client.Firm, p => p.MarkFailedAsync(paymentId, "insufficient_funds", MoneyChecks.NewKey()));
        return (invoice, paymentId);
    }
}
