using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.DirectDebit;
using Portal.Domain.Firms;
using Portal.Domain.Payments;
using Portal.GoCardless;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;

namespace Portal.Tests.DirectDebit;

public sealed class DirectDebitSchedulingTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task CollectAutomaticallyAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        var stored = await db.Firms.SingleAsync();
        stored.ChangePolicy(new PaymentPolicy { AutoCollectDirectDebitOnDueDate = true });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Issuing_an_invoice_for_a_client_with_an_active_mandate_schedules_one_collection_on_the_due_date()
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        await CollectAutomaticallyAsync(firm);
        var client = await app.AClientAsync(firm);
        await gc.ActiveMandateAsync(client);
        var invoice = await app.AnInvoice(client).WithLine("Retainer", 1, 350_00).DueInDays(25).IssuedAsync();
        var auto = app.Services.GetRequiredService<DirectDebitAutoCollection>();

        // Two instances racing, then a later pass: still one collection.
        var counts = await Task.WhenAll(auto.ScheduleDueAsync(), auto.ScheduleDueAsync());
        await auto.ScheduleDueAsync();

        counts.Sum().ShouldBeGreaterThanOrEqualTo(1);
        var collected = (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem();
        collected.ChargeDate.ShouldBe(BankingDays.FirstWorkingDayOnOrAfter(invoice.DueDate));
        collected.Amount.ShouldBe(client.Amount(350_00));
        await using var db = app.OpenDb(firm.Id);
        var payment = (await db.Payments.AsNoTracking().ToListAsync()).ShouldHaveSingleItem();
        (payment.Method, payment.Status).ShouldBe((PaymentMethod.DirectDebit, PaymentStatus.Pending));
        (await db.ScheduledCollections.AsNoTracking().SingleAsync()).ChargeDate.ShouldBe(collected.ChargeDate);
        (await app.InvoiceAsync(firm, invoice.Id)).Pending.ShouldBe(client.Amount(350_00));
    }

    [Fact]
    public async Task Without_auto_collection_or_without_a_mandate_nothing_is_scheduled()
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        var withMandate = await app.AClientAsync(firm);
        await gc.ActiveMandateAsync(withMandate);
        await app.AnInvoice(withMandate).WithLine("Retainer", 1, 100_00).IssuedAsync();
        var auto = app.Services.GetRequiredService<DirectDebitAutoCollection>();

        (await auto.ScheduleDueAsync()).ShouldBe(0);
        await CollectAutomaticallyAsync(firm);
        var withoutMandate = await app.AClientAsync(firm);
        await app.AnInvoice(withoutMandate).WithLine("Retainer", 1, 100_00).IssuedAsync();

        (await auto.ScheduleDueAsync()).ShouldBe(1);
        (await gc.GoCardless.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Staff_can_cancel_a_collection_still_pending_submission_and_the_invoice_is_payable_again()
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        await gc.ActiveMandateAsync(client);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 70_00).IssuedAsync();
        var started = await gc.PayAsync(client, [new(invoice.Id, client.Amount(70_00))]);

        await app.AsStaffOfAsync<DirectDebitPayments>(firm, dd => dd.CancelCollectionAsync(started.PaymentId));
        await gc.ApplyWebhooksAsync("payments.cancelled");

        (await gc.GoCardless.GetPaymentAsync(await gc.ProviderPaymentIdAsync(started.PaymentId))).Status.ShouldBe(GoCardlessPaymentStatus.Cancelled);
        (await gc.PaymentAsync(started.PaymentId)).Status.ShouldBe(PaymentStatus.Cancelled);
        var invoiceNow = await app.InvoiceAsync(firm, invoice.Id);
        (invoiceNow.Pending, invoiceNow.AmountPayable).ShouldBe((client.Amount(0), client.Amount(70_00)));
    }

    [Fact]
    public async Task Import_suggests_the_client_by_email_and_stores_the_chosen_mandates()
    {
        var firm = await app.AFirmAsync();
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        // A mandate set up outside Portal, by a payer with the client's billing email.
        await using (var db = app.OpenDb(firm.Id))
        {
            var billingEmail = (await db.ClientAccounts.SingleAsync()).BillingEmail;
            var request = await gc.GoCardless.CreateBillingRequestAsync(new NewBillingRequest(new NewMandateRequest(client.Currency)), Guid.NewGuid().ToString("N"));
            var flow = await gc.GoCardless.CreateBillingRequestFlowAsync(new NewBillingRequestFlow(request.Id, new Uri("https://elsewhere.example/done"), new Uri("https://elsewhere.example/exit"),
                new GoCardlessPrefilledCustomer(GivenName: "Imported", FamilyName: "Payer", Email: billingEmail)), Guid.NewGuid().ToString("N"));
            await gc.ApproveAsync(flow.AuthorisationUrl!, "approve_active");
        }

        var page = await app.AsStaffOfAsync<MandateImport, ImportPage>(firm, import => import.ListAsync());
        var found = page.Mandates.ShouldHaveSingleItem();
        (found.SuggestedClientAccountId, found.MatchedBy, found.AlreadyImported).ShouldBe((client.Id, "email", false));
        var added = await app.AsStaffOfAsync<MandateImport, int>(firm, import => import.ImportAsync([new(found.MandateId, client.Id)]));
        var again = await app.AsStaffOfAsync<MandateImport, int>(firm, import => import.ImportAsync([new(found.MandateId, client.Id)]));

        (added, again).ShouldBe((1, 0));
        var mandate = (await gc.MandatesAsync(client)).ShouldHaveSingleItem();
        (mandate.MandateId, mandate.Status).ShouldBe((found.MandateId, MandateStatus.Active));
        (await app.AsStaffOfAsync<MandateImport, ImportPage>(firm, import => import.ListAsync())).Mandates.ShouldHaveSingleItem().AlreadyImported.ShouldBeTrue();
    }
}
