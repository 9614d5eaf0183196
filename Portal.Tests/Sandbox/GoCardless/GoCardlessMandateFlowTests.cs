using System.Net;

namespace Portal.Tests.Sandbox.GoCardless;

public sealed class GoCardlessMandateFlowTests
{
    [Fact]
    public async Task Approving_the_hosted_flow_fulfils_the_billing_request_and_sends_a_signed_fulfilled_webhook()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();

        var created = await bed.PostAsync("billing_requests", new { billing_requests = new { mandate_request = new { currency = "GBP" }, metadata = new { client_id = "7" } } });
        var requestId = created.Body["billing_requests"]!["id"]!.GetValue<string>();
        var flow = await bed.PostAsync("billing_request_flows", new
        {
            billing_request_flows = new
            {
                redirect_uri = "https://portal.example.test/dd/done",
                exit_uri = "https://portal.example.test/dd/exit",
                links = new { billing_request = requestId },
                prefilled_customer = new { given_name = "Ada", family_name = "Lovelace", email = "ada@example.test" },
            },
        });
        var authorisationUrl = flow.Body["billing_request_flows"]!["authorisation_url"]!.GetValue<string>();
        var page = await bed.Browser.GetStringAsync(authorisationUrl);
        using var approved = await bed.ChooseOnFlowPageAsync(authorisationUrl, "approve");

        created.Status.ShouldBe(HttpStatusCode.Created);
        created.Raw.Headers.Location!.ToString().ShouldEndWith($"/sandbox/gocardless/billing_requests/{requestId}");
        created.Body["billing_requests"]!["status"]!.GetValue<string>().ShouldBe("pending");
        created.Body["billing_requests"]!["mandate_request"]!["scheme"]!.GetValue<string>().ShouldBe("bacs");
        authorisationUrl.ShouldStartWith($"{bed.Sandbox.BaseUrl}sandbox/gocardless/flow/BRF");
        DateTimeOffset.Parse(flow.Body["billing_request_flows"]!["expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeGreaterThan(bed.Clock.GetUtcNow().AddDays(6));
        page.ShouldContain("SANDBOX");
        page.ShouldContain("Ada");
        approved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        approved.Headers.Location!.ToString().ShouldBe("https://portal.example.test/dd/done");

        var fulfilled = await bed.WebhookEventAsync("billing_requests", "fulfilled");
        var links = fulfilled["links"]!;
        links["billing_request"]!.GetValue<string>().ShouldBe(requestId);
        fulfilled["resource_metadata"]!["client_id"]!.GetValue<string>().ShouldBe("7");
        var mandateId = links["mandate_request_mandate"]!.GetValue<string>();
        await bed.WebhookEventAsync("mandates", "created", e => e["links"]!["mandate"]!.GetValue<string>() == mandateId);

        var mandate = (await bed.GetAsync($"mandates/{mandateId}")).Body["mandates"]!;
        mandate["status"]!.GetValue<string>().ShouldBe("pending_submission");
        mandate["scheme"]!.GetValue<string>().ShouldBe("bacs");
        mandate["next_possible_charge_date"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        mandate["links"]!["customer"]!.GetValue<string>().ShouldBe(links["customer"]!.GetValue<string>());
        var customer = (await bed.GetAsync($"customers/{links["customer"]}")).Body["customers"]!;
        customer["given_name"]!.GetValue<string>().ShouldBe("Ada");
        customer["email"]!.GetValue<string>().ShouldBe("ada@example.test");
        var bankAccount = (await bed.GetAsync($"customer_bank_accounts/{links["customer_bank_account"]}")).Body["customer_bank_accounts"]!;
        bankAccount["account_number_ending"]!.GetValue<string>().ShouldBe("78");
        bankAccount["bank_name"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        bankAccount["currency"]!.GetValue<string>().ShouldBe("GBP");
        (await bed.GetAsync($"billing_requests/{requestId}")).Body["billing_requests"]!["status"]!.GetValue<string>().ShouldBe("fulfilled");
    }

    [Fact]
    public async Task Cancelling_the_flow_returns_to_the_exit_uri_and_leaves_the_request_pending()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var requestId = (await bed.PostAsync("billing_requests", new { billing_requests = new { mandate_request = new { currency = "EUR" } } }))
            .Body["billing_requests"]!["id"]!.GetValue<string>();
        var flow = await bed.PostAsync("billing_request_flows", new
        {
            billing_request_flows = new { redirect_uri = "https://portal.example.test/done", exit_uri = "https://portal.example.test/exit", links = new { billing_request = requestId } },
        });

        using var cancelled = await bed.ChooseOnFlowPageAsync(flow.Body["billing_request_flows"]!["authorisation_url"]!.GetValue<string>(), "cancel");

        cancelled.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        cancelled.Headers.Location!.ToString().ShouldBe("https://portal.example.test/exit");
        var request = (await bed.GetAsync($"billing_requests/{requestId}")).Body["billing_requests"]!;
        request["status"]!.GetValue<string>().ShouldBe("pending");
        request["mandate_request"]!["scheme"]!.GetValue<string>().ShouldBe("sepa_core");
        (await bed.GetAsync("mandates")).Body["mandates"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Cancelling_a_pending_billing_request_closes_its_flow_and_sends_cancelled_and_a_fulfilled_one_cannot_be()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var requestId = (await bed.PostAsync("billing_requests", new { billing_requests = new { mandate_request = new { currency = "EUR" } } }))
            .Body["billing_requests"]!["id"]!.GetValue<string>();
        var flow = await bed.PostAsync("billing_request_flows", new
        {
            billing_request_flows = new { redirect_uri = "https://portal.example.test/done", exit_uri = "https://portal.example.test/exit", links = new { billing_request = requestId } },
        });

        var cancelled = await bed.PostAsync($"billing_requests/{requestId}/actions/cancel", new { });
        var again = await bed.PostAsync($"billing_requests/{requestId}/actions/cancel", new { });
        using var signed = await bed.ChooseOnFlowPageAsync(flow.Body["billing_request_flows"]!["authorisation_url"]!.GetValue<string>(), "approve");

        cancelled.Status.ShouldBe(HttpStatusCode.OK);
        cancelled.Body["billing_requests"]!["status"]!.GetValue<string>().ShouldBe("cancelled");
        again.Body["billing_requests"]!["status"]!.GetValue<string>().ShouldBe("cancelled");
        (await bed.WebhookEventAsync("billing_requests", "cancelled"))["links"]!["billing_request"]!.GetValue<string>().ShouldBe(requestId);
        signed.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await bed.GetAsync("mandates")).Body["mandates"]!.AsArray().ShouldBeEmpty();

        var fulfilled = await bed.SetUpMandateAsync();
        var refused = await bed.PostAsync($"billing_requests/{fulfilled["id"]!.GetValue<string>()}/actions/cancel", new { });
        refused.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        refused.ErrorReason.ShouldBe("billing_request_not_cancellable");
    }

    [Fact]
    public async Task The_flow_page_names_the_prefilled_company_as_payer_when_no_person_is_given()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var requestId = (await bed.PostAsync("billing_requests", new { billing_requests = new { mandate_request = new { currency = "EUR" } } }))
            .Body["billing_requests"]!["id"]!.GetValue<string>();
        var flow = await bed.PostAsync("billing_request_flows", new
        {
            billing_request_flows = new
            {
                redirect_uri = "https://portal.example.test/done", exit_uri = "https://portal.example.test/exit", links = new { billing_request = requestId },
                prefilled_customer = new { company_name = "Maison Dupont", email = "accounts@maison-dupont.example" },
            },
        });

        var page = await bed.Browser.GetStringAsync(flow.Body["billing_request_flows"]!["authorisation_url"]!.GetValue<string>());

        page.ShouldContain("value=\"Maison Dupont\"");
        page.ShouldNotContain("Sam");
    }

    [Fact]
    public async Task Bank_details_that_fail_give_a_failed_mandate()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();

        var request = await bed.SetUpMandateAsync(choice: "fail");

        var mandateId = request["links"]!["mandate_request_mandate"]!.GetValue<string>();
        var failed = await bed.WebhookEventAsync("mandates", "failed");
        failed["links"]!["mandate"]!.GetValue<string>().ShouldBe(mandateId);
        failed["details"]!["origin"]!.GetValue<string>().ShouldBe("bank");
        (await bed.GetAsync($"mandates/{mandateId}")).Body["mandates"]!["status"]!.GetValue<string>().ShouldBe("failed");
        var payment = await bed.CreatePaymentAsync(mandateId);
        payment.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        payment.ErrorReason.ShouldBe("mandate_is_inactive");
    }

    [Fact]
    public async Task Mandates_list_filters_by_customer_and_status_and_cancels()
    {
        await using var bed = await GoCardlessTestbed.StartAsync();
        var first = (await bed.SetUpMandateAsync())["links"]!;
        var second = await bed.ActiveMandateAsync();

        var byCustomer = (await bed.GetAsync($"mandates?customer={first["customer"]}")).Body["mandates"]!.AsArray();
        var active = (await bed.GetAsync("mandates?status=active,submitted")).Body["mandates"]!.AsArray();
        var cancelled = await bed.PostAsync($"mandates/{second}/actions/cancel", new { });
        var cancelAgain = await bed.PostAsync($"mandates/{second}/actions/cancel", new { });
        var combined = await bed.GetAsync($"mandates?customer={first["customer"]}&creditor=CR1");

        byCustomer.Select(m => m!["id"]!.GetValue<string>()).ShouldBe([first["mandate_request_mandate"]!.GetValue<string>()]);
        active.Select(m => m!["id"]!.GetValue<string>()).ShouldBe([second]);
        cancelled.Body["mandates"]!["status"]!.GetValue<string>().ShouldBe("cancelled");
        cancelled.Body["mandates"]!["next_possible_charge_date"].ShouldBeNull();
        cancelAgain.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        combined.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        await bed.WebhookEventAsync("mandates", "cancelled");
    }
}
