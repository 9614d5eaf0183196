using Portal.Domain;
using Portal.GoCardless;

using Portal.Tests.Fixture;

namespace Portal.Tests.GoCardless;

public sealed class GoCardlessDirectDebitTests
{
    [Fact]
    public async Task A_mandate_setup_started_twice_gives_one_link_and_its_mandate_is_summarised_without_bank_details()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var setup = new MandateSetupRequest(Guid.NewGuid(), Guid.NewGuid(), Currency.GBP,
            new Uri("https://portal.example.test/dd/done"), new Uri("https://portal.example.test/dd/exit"),
            new GoCardlessPrefilledCustomer(GivenName: "Ada", FamilyName: "Lovelace", Email: "ada@example.test"));

        var first = await GoCardlessMandateSetup.StartAsync(bed.Client, setup);
        var link = await GoCardlessMandateSetup.StartAsync(bed.Client, setup);
        var beforeApproval = await GoCardlessMandateSetup.CompletedMandateAsync(bed.Client, link.BillingRequestId);
        using var approved = await bed.Sandbox.ChooseOnFlowPageAsync(link.AuthorisationUrl.ToString(), "approve");
        var mandate = await GoCardlessMandateSetup.CompletedMandateAsync(bed.Client, link.BillingRequestId);

        link.BillingRequestId.ShouldBe(first.BillingRequestId);
        var request = (await bed.Client.ListBillingRequestsAsync().ToListAsync()).ShouldHaveSingleItem();
        request.Metadata[GoCardlessMandateSetup.ClientAccountMetadataKey].ShouldBe(setup.ClientAccountId.ToString());
        request.MandateRequest!.Metadata[GoCardlessMandateSetup.ClientAccountMetadataKey].ShouldBe(setup.ClientAccountId.ToString());
        link.ExpiresAt.ShouldBeGreaterThan(bed.Sandbox.Clock.GetUtcNow().AddDays(6));
        beforeApproval.ShouldBeNull();
        mandate.ShouldNotBeNull();
        mandate.MandateId.ShouldStartWith("MD");
        mandate.CustomerId.ShouldStartWith("CU");
        mandate.Scheme.ShouldBe(GoCardlessScheme.Bacs);
        mandate.Currency.ShouldBe(Currency.GBP);
        mandate.Status.ShouldBe(GoCardlessMandateStatus.PendingSubmission);
        mandate.BankName.ShouldNotBeNullOrEmpty();
        mandate.AccountNumberEnding.ShouldBe("78");
        (await bed.Client.GetCustomerAsync(mandate.CustomerId)).GivenName.ShouldBe("Ada");
    }

    [Fact]
    public async Task A_collection_is_charged_on_the_due_date_once_however_often_it_is_sent()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var dueDate = BankingDays.FirstWorkingDayOnOrAfter(mandate.NextPossibleChargeDate!.Value.AddDays(20));
        var collection = new DirectDebitCollection(Guid.NewGuid(), mandate.Id, new Money(45_000, Currency.GBP), dueDate, "Invoice INV-7");

        var payment = await GoCardlessCollector.CollectAsync(bed.Client, collection);
        var again = await GoCardlessCollector.CollectAsync(bed.Client, collection);

        again.Id.ShouldBe(payment.Id);
        payment.ChargeDate.ShouldBe(dueDate);
        payment.Amount.ShouldBe(new Money(45_000, Currency.GBP));
        payment.Metadata[GoCardlessCollector.PortalPaymentMetadataKey].ShouldBe(collection.PortalPaymentId.ToString());
        (await bed.Client.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_due_date_too_close_is_collected_on_the_mandates_next_possible_charge_date()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();

        var payment = await GoCardlessCollector.CollectAsync(bed.Client,
            new DirectDebitCollection(Guid.NewGuid(), mandate.Id, new Money(1_000, Currency.GBP), bed.Sandbox.Today));

        payment.ChargeDate.ShouldBe(mandate.NextPossibleChargeDate!.Value);
    }

    [Fact]
    public async Task A_collection_is_refused_on_a_cancelled_mandate_or_in_another_currency_before_reaching_gocardless()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var pounds = await bed.ActiveMandateAsync();
        var cancelled = await bed.ActiveMandateAsync();
        await bed.Client.CancelMandateAsync(cancelled.Id);

        var wrongCurrency = await Should.ThrowAsync<DirectDebitRefusedException>(() => GoCardlessCollector.CollectAsync(bed.Client,
            new DirectDebitCollection(Guid.NewGuid(), pounds.Id, new Money(1_000, Currency.EUR), bed.Sandbox.Today)));
        var ended = await Should.ThrowAsync<DirectDebitRefusedException>(() => GoCardlessCollector.CollectAsync(bed.Client,
            new DirectDebitCollection(Guid.NewGuid(), cancelled.Id, new Money(1_000, Currency.GBP), bed.Sandbox.Today)));

        wrongCurrency.Message.ShouldContain("collects GBP (bacs), not EUR");
        ended.Message.ShouldContain("cancelled");
        (await bed.Client.ListPaymentsAsync().ToListAsync()).ShouldBeEmpty();
    }

    [Fact]
    public void The_charge_date_is_the_due_date_unless_the_mandate_cannot_be_charged_that_early()
    {
        var earliest = new DateOnly(2026, 12, 3);

        GoCardlessCollector.ChargeDate(new DateOnly(2026, 12, 10), earliest).ShouldBe(new DateOnly(2026, 12, 10));
        GoCardlessCollector.ChargeDate(new DateOnly(2026, 12, 1), earliest).ShouldBe(earliest);
        GoCardlessCollector.ChargeDate(earliest, earliest).ShouldBe(earliest);
    }

    [Fact]
    public async Task Testing_a_connection_names_the_creditor_or_says_what_is_wrong()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var check = new GoCardlessConnectionCheck(bed.Clients);

        var working = await check.CheckAsync(GoCardlessEnvironment.PortalSandbox, bed.Sandbox.Token);
        var refused = await check.CheckAsync(GoCardlessEnvironment.PortalSandbox, "revoked_token_of_someone");
        var misplaced = await check.CheckAsync(GoCardlessEnvironment.PortalSandbox, "live_AbCdEfGhIjKlMnOp");

        working.IsWorking.ShouldBeTrue();
        working.CreditorId.ShouldStartWith("CR");
        working.CreditorName.ShouldNotBeNullOrEmpty();
        refused.IsWorking.ShouldBeFalse();
        refused.Problem.ShouldNotBeNull().ShouldContain("refused the access token");
        misplaced.Problem.ShouldNotBeNull().ShouldContain("live GoCardless access token");
    }
}
