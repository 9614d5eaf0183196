using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.DirectDebit;
using Portal.Domain.Firms;
using Portal.Domain.Payments;
using Portal.Tests.DirectDebit;
using Portal.Tests.Fixture;

namespace Portal.Tests.Recurring;

/// <summary>A recurring invoice on auto-collect goes to direct debit the moment it is made, once, whatever the poll does after.</summary>
public sealed class RecurringCollectionTests(RecurringCollectionTests.App app) : IClassFixture<RecurringCollectionTests.App>
{
    public sealed class App : RecurringPortalApp;

    [Fact]
    public async Task A_new_invoice_of_a_client_with_a_mandate_is_collected_at_once_and_only_once()
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        var withMandate = await app.AClientAsync(firm);
        await gc.ActiveMandateAsync(withMandate);
        var withoutMandate = await app.AClientAsync(firm);
        var today = app.LocalToday();
        await app.AWeeklyScheduleAsync(withMandate, today, unitPriceMinor: 100_00, autoSend: false, autoCollect: true);
        await app.AWeeklyScheduleAsync(withoutMandate, today, unitPriceMinor: 100_00, autoSend: false, autoCollect: true);

        // The firm's own auto-collection is off: only the schedule's hand-over can have started this collection.
        (await app.Generator().GenerateDueAsync()).ShouldBe(2);

        var collected = (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem();
        collected.Amount.ShouldBe(withMandate.Amount(120_00));
        var invoices = await app.InvoicesOfAsync(firm);
        var collectedInvoice = invoices.Single(i => i.ClientAccountId == withMandate.Id);
        collected.ChargeDate.ShouldBe(BankingDays.FirstWorkingDayOnOrAfter(collectedInvoice.DueDate));
        collectedInvoice.Pending.ShouldBe(withMandate.Amount(120_00));
        invoices.Single(i => i.ClientAccountId == withoutMandate.Id).Pending.IsZero.ShouldBeTrue();

        // The firm turns its own auto-collection on: the poll finds the invoice already collected and starts nothing more.
        await using (var db = app.OpenDb(firm.Id))
        {
            var stored = await db.Firms.SingleAsync();
            stored.ChangePolicy(new PaymentPolicy { AutoCollectDirectDebitOnDueDate = true });
            await db.SaveChangesAsync();
        }
        await app.Services.GetRequiredService<DirectDebitAutoCollection>().ScheduleDueAsync();
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem();
        await using var check = app.OpenDb(firm.Id);
        var payments = await check.Payments.AsNoTracking().ToListAsync();
        payments.ShouldHaveSingleItem().Method.ShouldBe(PaymentMethod.DirectDebit);
    }

    [Fact]
    public async Task A_client_who_turned_automatic_payment_off_gets_the_invoice_and_no_direct_debit()
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        await gc.ActiveMandateAsync(client);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Portal.Tenancy.TenantContext>().ActFor(firm.Id, client.Id);
            await scope.ServiceProvider.GetRequiredService<Portal.CardOnFile.AutomaticPayments>().ChooseAsync(client.Id, AutomaticPaymentChoice.Off);
        }
        await app.AWeeklyScheduleAsync(client, app.LocalToday(), unitPriceMinor: 100_00, autoSend: false, autoCollect: true);

        (await app.Generator().GenerateDueAsync()).ShouldBe(1);
        await app.Generator().GenerateDueAsync();

        (await app.InvoicesOfAsync(firm)).ShouldHaveSingleItem().Pending.IsZero.ShouldBeTrue();
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_invoice_whose_hand_over_to_direct_debit_failed_is_handed_over_by_the_next_pass_once()
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        await gc.ActiveMandateAsync(client);
        await app.AWeeklyScheduleAsync(client, app.LocalToday(), unitPriceMinor: 100_00, autoSend: false, autoCollect: true);
        // GoCardless refuses every payment while the invoice is made: what an instance stopped right after the invoice's
        // transaction leaves behind too, an auto-collect invoice with no collection, at a firm that does not collect
        // every invoice automatically.
        using var control = new HttpClient { BaseAddress = new Uri(app.BaseUrl, "sandbox/gocardless/_control/") };
        (await control.PostAsJsonAsync("faults", new { kind = "server_error", count = 50, method = "POST", path_contains = "/payments" })).EnsureSuccessStatusCode();
        (await app.Generator().GenerateDueAsync()).ShouldBe(1);
        (await control.DeleteAsync("faults")).EnsureSuccessStatusCode();
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldBeEmpty();
        (await app.InvoicesOfAsync(firm)).ShouldHaveSingleItem().Pending.IsZero.ShouldBeTrue();

        (await app.Generator().GenerateDueAsync()).ShouldBe(0);
        await app.Generator().GenerateDueAsync();

        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem().Amount.ShouldBe(client.Amount(120_00));
        (await app.InvoicesOfAsync(firm)).ShouldHaveSingleItem().Pending.ShouldBe(client.Amount(120_00));
    }
}
