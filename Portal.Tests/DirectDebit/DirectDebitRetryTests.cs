using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.DirectDebit;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Ledger;
using Portal.Domain.Payments;
using Portal.GoCardless;
using Portal.Payments;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;

namespace Portal.Tests.DirectDebit;

/// <summary>
/// Smart retries of failed automatic direct debits, through the real GoCardless client against the sandbox: the
/// failure event plans a retry by the firm's policy, the sweep makes it on its day as one new collection (however many
/// instances sweep), and a payment made another way, a dead mandate or a firm without retries stops it.
/// </summary>
public sealed class DirectDebitRetryTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private DirectDebitAutoCollection Sweep => app.Services.GetRequiredService<DirectDebitAutoCollection>();

    private async Task<(DirectDebitDriver GoCardless, TestClient Client, Invoice Invoice, Guid PaymentId)> AFailedAutomaticCollectionAsync(
        string retryDays = "3, 7", long amount = 180_00)
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        await using (var db = app.OpenDb(firm.Id))
        {
            var stored = await db.Firms.SingleAsync();
            stored.ChangePolicy(new PaymentPolicy { AutoCollectDirectDebitOnDueDate = true, DirectDebitRetryDays = retryDays });
            await db.SaveChangesAsync();
        }
        var client = await app.AClientAsync(firm);
        await gc.ActiveMandateAsync(client);
        var invoice = await app.AnInvoice(client).WithLine("Monthly bookkeeping", 1, amount).DueInDays(10).IssuedAsync();
        (await Sweep.ScheduleDueAsync()).ShouldBe(1);
        var paymentId = await OnlyPaymentIdAsync(firm);
        await gc.RunScenarioAsync("payment_failed", await gc.ProviderPaymentIdAsync(paymentId));
        await gc.ApplyWebhooksAsync("payments.failed");
        (await gc.PaymentAsync(paymentId)).Status.ShouldBe(PaymentStatus.Failed);
        return (gc, client, invoice, paymentId);
    }

    private async Task<Guid> OnlyPaymentIdAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return (await db.Payments.AsNoTracking().ToListAsync()).ShouldHaveSingleItem().Id;
    }

    private async Task<List<DirectDebitRetry>> RetriesAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.DirectDebitRetries.AsNoTracking().OrderBy(r => r.Attempt).ToListAsync();
    }

    private async Task<DateOnly> FirmTodayAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return (await db.Firms.AsNoTracking().SingleAsync()).LocalToday(app.Clock.GetUtcNow());
    }

    /// <summary>Moves the app's clock to the start of <paramref name="day"/>'s afternoon, in the firm's time zone or later.</summary>
    private async Task AdvanceToAsync(TestFirm firm, DateOnly day)
    {
        while (await FirmTodayAsync(firm) < day)
            ((TestClock)app.Clock).Advance(TimeSpan.FromHours(12));
    }

    [Fact]
    public async Task Insufficient_funds_is_retried_once_on_its_day_however_many_sweeps_run_and_the_retry_can_pay_the_invoice()
    {
        var (gc, client, invoice, failedId) = await AFailedAutomaticCollectionAsync();
        var firm = gc.Firm;
        var expected = DirectDebitRetryPolicy.Parse("3, 7", false).After(1, "insufficient_funds", await FirmTodayAsync(firm)).On.ShouldNotBeNull();

        var planned = (await RetriesAsync(firm)).ShouldHaveSingleItem();
        (planned.Attempt, planned.Status, planned.PlannedFor, planned.FailedPaymentId, planned.FailureCause)
            .ShouldBe((1, DirectDebitRetryStatus.Planned, expected, failedId, "insufficient_funds"));
        // Before its day nothing is sent; the invoice is open and payable.
        (await Sweep.RetryDueAsync()).ShouldBe(0);
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).Count.ShouldBe(1);
        (await app.InvoiceAsync(firm, invoice.Id)).AmountPayable.ShouldBe(client.Amount(180_00));

        await AdvanceToAsync(firm, expected);
        var sent = await Task.WhenAll(Sweep.RetryDueAsync(), Sweep.RetryDueAsync(), Sweep.RetryDueAsync());
        await Sweep.RetryDueAsync();

        sent.Sum().ShouldBeGreaterThanOrEqualTo(1);
        var collections = await gc.GoCardless.ListPaymentsAsync().ToListAsync();
        collections.Count.ShouldBe(2);
        var retried = (await RetriesAsync(firm)).ShouldHaveSingleItem();
        retried.Status.ShouldBe(DirectDebitRetryStatus.Requested);
        var retryPayment = await gc.PaymentAsync(retried.RetryPaymentId.ShouldNotBeNull());
        (retryPayment.Status, retryPayment.Amount).ShouldBe((PaymentStatus.Pending, client.Amount(180_00)));
        (await app.InvoiceAsync(firm, invoice.Id)).Pending.ShouldBe(client.Amount(180_00));

        await gc.RunScenarioAsync("payment_confirmed", retryPayment.ProviderPaymentId.ShouldNotBeNull());
        await gc.ApplyWebhooksAsync("payments.failed", "payments.confirmed");

        (await app.InvoiceAsync(firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        await app.LedgerShouldBeConsistentAsync(firm);
    }

    [Fact]
    public async Task A_retry_claimed_by_an_instance_that_died_before_sending_it_is_sent_once_by_the_next_pass()
    {
        var (gc, client, _, _) = await AFailedAutomaticCollectionAsync();
        var firm = gc.Firm;
        await AdvanceToAsync(firm, (await RetriesAsync(firm)).Single().PlannedFor);
        // What an instance killed between its claim and the collection leaves behind.
        await using (var db = app.OpenDb(firm.Id))
        {
            (await db.DirectDebitRetries.SingleAsync()).Claim(app.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        }

        (await Task.WhenAll(Sweep.RetryDueAsync(), Sweep.RetryDueAsync())).Sum().ShouldBeGreaterThanOrEqualTo(1);
        await Sweep.RetryDueAsync();

        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).Count.ShouldBe(2);
        var retry = (await RetriesAsync(firm)).ShouldHaveSingleItem();
        (await gc.PaymentAsync(retry.RetryPaymentId.ShouldNotBeNull())).Amount.ShouldBe(client.Amount(180_00));
    }

    [Fact]
    public async Task A_retry_an_instance_sent_and_died_before_recording_is_carried_on_by_the_next_pass_not_refused()
    {
        var (gc, client, invoice, _) = await AFailedAutomaticCollectionAsync();
        var firm = gc.Firm;
        var planned = (await RetriesAsync(firm)).Single();
        await AdvanceToAsync(firm, planned.PlannedFor);
        // What an instance leaves when it is killed after sending the collection and before linking it to the retry
        // (or what a second instance sees while the first is between the two): the retry is claimed and unlinked,
        // and the invoice's amount payable already excludes the collection on its way.
        await using (var db = app.OpenDb(firm.Id))
        {
            (await db.DirectDebitRetries.SingleAsync()).Claim(app.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        }
        var (sentId, _) = await app.AsStaffOfAsync<DirectDebitPayments, (Guid, DateOnly)>(firm,
            d => d.ScheduleAutomaticAsync(client.Id, invoice.Id, client.Amount(180_00), planned.RequestKey));
        (await app.InvoiceAsync(firm, invoice.Id)).AmountPayable.ShouldBe(client.Amount(0));

        (await Task.WhenAll(Sweep.RetryDueAsync(), Sweep.RetryDueAsync())).Sum().ShouldBeGreaterThanOrEqualTo(1);
        await Sweep.RetryDueAsync();

        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).Count.ShouldBe(2);
        var retry = (await RetriesAsync(firm)).ShouldHaveSingleItem();
        (retry.Status, retry.RetryPaymentId).ShouldBe((DirectDebitRetryStatus.Requested, sentId));
        (await gc.PaymentAsync(sentId)).Amount.ShouldBe(client.Amount(180_00));
    }

    [Fact]
    public async Task A_retry_that_fails_is_planned_again_from_its_own_failure_until_the_chosen_retries_are_used_up()
    {
        var (gc, _, invoice, _) = await AFailedAutomaticCollectionAsync(retryDays: "3");
        var firm = gc.Firm;
        var first = (await RetriesAsync(firm)).ShouldHaveSingleItem();
        await AdvanceToAsync(firm, first.PlannedFor);
        (await Sweep.RetryDueAsync()).ShouldBe(1);
        var retryPaymentId = (await RetriesAsync(firm)).Single().RetryPaymentId.ShouldNotBeNull();

        await gc.RunScenarioAsync("payment_failed", await gc.ProviderPaymentIdAsync(retryPaymentId));
        await gc.ApplyWebhooksAsync("payments.failed", "payments.failed");

        // One retry chosen, one made: the second failure plans nothing, and the invoice is payable again.
        (await RetriesAsync(firm)).ShouldHaveSingleItem().Status.ShouldBe(DirectDebitRetryStatus.Requested);
        (await gc.PaymentAsync(retryPaymentId)).Status.ShouldBe(PaymentStatus.Failed);
        var reopened = await app.InvoiceAsync(firm, invoice.Id);
        (reopened.Pending.IsZero, reopened.AmountPayable).ShouldBe((true, reopened.Total));
    }

    [Fact]
    public async Task A_client_who_pays_another_way_before_the_day_cancels_the_retry()
    {
        var (gc, client, invoice, _) = await AFailedAutomaticCollectionAsync();
        var firm = gc.Firm;
        await app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(firm, s => s.RecordAsync(new ManualPaymentRequest(client.Id, PaymentMethod.BankTransfer,
            client.Amount(50_00), [new InvoiceAmount(invoice.Id, client.Amount(50_00))], false, null, MoneyChecks.NewKey())));

        await AdvanceToAsync(firm, (await RetriesAsync(firm)).Single().PlannedFor);
        (await Sweep.RetryDueAsync()).ShouldBe(0);

        var retry = (await RetriesAsync(firm)).ShouldHaveSingleItem();
        (retry.Status, retry.CancelledBecause, retry.RetryPaymentId).ShouldBe((DirectDebitRetryStatus.Cancelled, RetryCancellation.PaidAnotherWay, (Guid?)null));
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_invoice_settled_before_the_day_or_a_firm_that_stops_collecting_has_no_retry_made()
    {
        var (gc, client, invoice, _) = await AFailedAutomaticCollectionAsync();
        var firm = gc.Firm;
        var day = (await RetriesAsync(firm)).Single().PlannedFor;
        await app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(firm, s => s.RecordAsync(new ManualPaymentRequest(client.Id, PaymentMethod.BankTransfer,
            client.Amount(180_00), [new InvoiceAmount(invoice.Id, client.Amount(180_00))], false, null, MoneyChecks.NewKey())));
        await AdvanceToAsync(firm, day);

        (await Sweep.RetryDueAsync()).ShouldBe(0);
        (await RetriesAsync(firm)).Single().CancelledBecause.ShouldBe(RetryCancellation.NothingLeftToCollect);

        var (other, _, _, _) = await AFailedAutomaticCollectionAsync();
        await app.AsStaffOfAsync<DirectDebitSettings>(other.Firm, s => s.SaveAsync(allowed: true, autoCollect: false));
        await AdvanceToAsync(other.Firm, (await RetriesAsync(other.Firm)).Single().PlannedFor);

        (await Sweep.RetryDueAsync()).ShouldBe(0);
        (await RetriesAsync(other.Firm)).Single().CancelledBecause.ShouldBe(RetryCancellation.AutomaticCollectionOff);
    }

    [Fact]
    public async Task A_failure_that_says_the_account_is_closed_is_never_retried_and_a_redelivered_failure_plans_once()
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        await using (var db = app.OpenDb(firm.Id))
        {
            (await db.Firms.SingleAsync()).ChangePolicy(new PaymentPolicy { AutoCollectDirectDebitOnDueDate = true, DirectDebitRetryDays = "3, 7" });
            await db.SaveChangesAsync();
        }
        var closed = await app.AClientAsync(firm);
        var broke = await app.AClientAsync(firm);
        await gc.ActiveMandateAsync(closed);
        await gc.ActiveMandateAsync(broke);
        await app.AnInvoice(closed).WithLine("Payroll", 1, 90_00).IssuedAsync();
        await app.AnInvoice(broke).WithLine("Payroll", 1, 95_00).IssuedAsync();
        (await Sweep.ScheduleDueAsync()).ShouldBe(2);
        await using var read = app.OpenDb(firm.Id);
        var payments = await read.Payments.AsNoTracking().ToListAsync();
        var closedId = (await gc.ProviderPaymentIdAsync(payments.Single(p => p.ClientAccountId == closed.Id).Id));
        var brokeId = (await gc.ProviderPaymentIdAsync(payments.Single(p => p.ClientAccountId == broke.Id).Id));

        var insufficient = DirectDebitDriver.PaymentEvent("failed", brokeId);
        (await gc.PostEventsAsync(DirectDebitDriver.Delivery(DirectDebitDriver.PaymentEvent("failed", closedId, cause: "bank_account_closed")))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await gc.PostEventsAsync(DirectDebitDriver.Delivery(insufficient))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await gc.PostEventsAsync(DirectDebitDriver.Delivery(insufficient.DeepClone().AsObject()))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await gc.ApplyWebhooksAsync("payments.failed", "payments.failed");
        // The same failure again under another event id (GoCardless resends, reconciliation): still one plan.
        var retries = app.Services.CreateAsyncScope();
        await using (retries)
        {
            retries.ServiceProvider.GetRequiredService<Portal.Tenancy.TenantContext>().ActFor(firm.Id);
            (await retries.ServiceProvider.GetRequiredService<DirectDebitRetries>()
                .PlanAfterFailureAsync(payments.Single(p => p.ClientAccountId == broke.Id).Id, "insufficient_funds")).ShouldBeNull();
        }

        var planned = (await RetriesAsync(firm)).ShouldHaveSingleItem();
        planned.ClientAccountId.ShouldBe(broke.Id);
        (await gc.PaymentAsync(payments.Single(p => p.ClientAccountId == closed.Id).Id)).Status.ShouldBe(PaymentStatus.Failed);
    }

    [Fact]
    public async Task Retry_days_are_saved_by_owners_and_bad_days_are_refused_without_changing_anything()
    {
        var firm = await app.AFirmAsync();

        await app.AsStaffOfAsync<DirectDebitSettings>(firm, s => s.SaveRetriesAsync("3;7", waitForPayday: true));
        var saved = await app.AsStaffOfAsync<DirectDebitSettings, DirectDebitRetryPolicy>(firm, s => s.ReadRetriesAsync());
        (saved.DaysText, saved.WaitForPayday).ShouldBe(("3, 7", true));

        (await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<DirectDebitSettings>(firm, s => s.SaveRetriesAsync("0, 40", false)))).Message.ShouldContain("1 to 30");
        var after = await app.AsStaffOfAsync<DirectDebitSettings, DirectDebitRetryPolicy>(firm, s => s.ReadRetriesAsync());
        (after.DaysText, after.WaitForPayday).ShouldBe(("3, 7", true));
    }
}
