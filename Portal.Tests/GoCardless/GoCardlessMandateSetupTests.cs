using System.Net;
using Portal.Domain;
using Portal.GoCardless;

namespace Portal.Tests.GoCardless;

public sealed class GoCardlessMandateSetupTests
{
    [Fact]
    public async Task The_creditor_answers_for_a_test_connection()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();

        var listed = await bed.Client.ListCreditorsAsync().ToListAsync();
        var creditor = await bed.Client.GetCreditorAsync(listed.Single().Id);

        creditor.Id.ShouldStartWith("CR");
        creditor.Name.ShouldNotBeNullOrEmpty();
        creditor.CreatedAt.Year.ShouldBeGreaterThan(2000);
    }

    [Fact]
    public async Task Approving_the_hosted_flow_for_a_known_customer_gives_a_mandate_that_becomes_active()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var customer = await bed.Client.CreateCustomerAsync(
            new NewCustomer("grace@example.test", "Grace", "Hopper", CountryCode: "GB", Metadata: new Dictionary<string, string> { ["client_id"] = "7" }),
            GoCardlessClientBed.NewKey());

        var request = await bed.Client.CreateBillingRequestAsync(
            new NewBillingRequest(new NewMandateRequest(Currency.GBP), CustomerId: customer.Id, Metadata: new Dictionary<string, string> { ["client_id"] = "7" }),
            GoCardlessClientBed.NewKey());
        var flow = await bed.Client.CreateBillingRequestFlowAsync(
            new NewBillingRequestFlow(request.Id, new Uri("https://portal.example.test/dd/done"), new Uri("https://portal.example.test/dd/exit")),
            GoCardlessClientBed.NewKey());
        using var approved = await bed.Sandbox.ChooseOnFlowPageAsync(flow.AuthorisationUrl!.ToString(), "approve");
        var fulfilled = await bed.Client.GetBillingRequestAsync(request.Id);
        var pending = await bed.Client.GetMandateAsync(fulfilled.Links.MandateRequestMandate!);
        await bed.Client.RunScenarioAsync("mandate_activated", pending.Id);
        var active = await bed.Client.GetMandateAsync(pending.Id);
        var bankAccount = await bed.Client.GetCustomerBankAccountAsync(active.Links.CustomerBankAccount!);

        customer.Id.ShouldStartWith("CU");
        customer.Metadata["client_id"].ShouldBe("7");
        request.Status.ShouldBe(GoCardlessBillingRequestStatus.Pending);
        request.MandateRequest!.Scheme.ShouldBe(GoCardlessScheme.Bacs);
        request.MandateRequest.Currency.ShouldBe("GBP");
        request.Links.Customer.ShouldBe(customer.Id);
        flow.AuthorisationUrl!.ToString().ShouldStartWith(bed.Sandbox.Sandbox.BaseUrl.ToString());
        flow.ExpiresAt.ShouldBeGreaterThan(bed.Sandbox.Clock.GetUtcNow().AddDays(6));
        flow.Links.BillingRequest.ShouldBe(request.Id);
        approved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        approved.Headers.Location.ShouldBe(new Uri("https://portal.example.test/dd/done"));
        fulfilled.Status.ShouldBe(GoCardlessBillingRequestStatus.Fulfilled);
        fulfilled.MandateRequest!.Links.Mandate.ShouldBe(pending.Id);
        pending.Status.ShouldBe(GoCardlessMandateStatus.PendingSubmission);
        active.Status.ShouldBe(GoCardlessMandateStatus.Active);
        active.Scheme.ShouldBe(GoCardlessScheme.Bacs);
        active.CanBeCharged.ShouldBeTrue();
        active.NextPossibleChargeDate.ShouldNotBeNull().ShouldBeGreaterThan(bed.Sandbox.Today);
        active.Links.Customer.ShouldBe(customer.Id);
        bankAccount.AccountNumberEnding.ShouldBe("78");
        bankAccount.BankName.ShouldNotBeNullOrEmpty();
        bankAccount.Links.Customer.ShouldBe(customer.Id);
    }

    [Fact]
    public async Task A_euro_mandate_request_gets_the_sepa_scheme_and_its_mandate_can_be_cancelled()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();

        var mandate = await bed.MandateThroughHostedFlowAsync(currency: Currency.EUR);
        var cancelled = await bed.Client.CancelMandateAsync(mandate.Id);
        var listed = await bed.Client.ListMandatesAsync(new GoCardlessMandateFilter(Statuses: [GoCardlessMandateStatus.Cancelled, GoCardlessMandateStatus.Failed])).ToListAsync();

        mandate.Scheme.ShouldBe(GoCardlessScheme.SepaCore);
        cancelled.Status.ShouldBe(GoCardlessMandateStatus.Cancelled);
        cancelled.CanBeCharged.ShouldBeFalse();
        cancelled.NextPossibleChargeDate.ShouldBeNull();
        listed.Select(m => m.Id).ShouldBe([mandate.Id]);
    }

    [Fact]
    public async Task A_mandate_request_in_a_currency_gocardless_cannot_collect_is_refused_before_any_request()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();

        await Should.ThrowAsync<ArgumentException>(() =>
            bed.Client.CreateBillingRequestAsync(new NewBillingRequest(new NewMandateRequest(Currency.JPY)), GoCardlessClientBed.NewKey()));

        bed.Logs.Lines.ShouldNotContain(l => l.Message.Contains("billing_requests", StringComparison.Ordinal));
    }
}
