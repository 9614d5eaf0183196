using System.Diagnostics;
using System.Net;
using Portal.GoCardless;
using Portal.Sandbox;

namespace Portal.Tests.GoCardless;

public sealed class GoCardlessRetryTests
{
    [Fact]
    public async Task Replaying_a_create_with_the_same_idempotency_key_returns_the_payment_already_created()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();

        var first = await bed.PaymentAsync(mandate, idempotencyKey: "invoice-42-collection");
        var replay = await bed.PaymentAsync(mandate, idempotencyKey: "invoice-42-collection");

        replay.Id.ShouldBe(first.Id);
        replay.Amount.ShouldBe(first.Amount);
        (await bed.Client.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem();
        bed.Logs.Lines.ShouldContain(l => l.Message.Contains($"already created payments {first.Id}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_sent_again_and_the_conflict_fetches_the_payment_it_made()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        await bed.Sandbox.Control.InjectFaultAsync("drop_response", method: "POST", pathContains: "/payments");

        var payment = await bed.PaymentAsync(mandate);

        var all = await bed.Client.ListPaymentsAsync().ToListAsync();
        all.ShouldHaveSingleItem().Id.ShouldBe(payment.Id);
        bed.Logs.Lines.ShouldContain(l => l.Message.Contains("got no answer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_errors_are_retried_for_an_idempotent_create_without_creating_twice()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        await bed.Sandbox.Control.InjectFaultAsync("server_error", count: 2, method: "POST", pathContains: "/payments");

        var payment = await bed.PaymentAsync(mandate);

        payment.Status.ShouldBe(GoCardlessPaymentStatus.PendingSubmission);
        (await bed.Client.ListPaymentsAsync().ToListAsync()).ShouldHaveSingleItem();
        bed.Logs.Lines.Count(l => l.Message.Contains("POST payments answered 500", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Fact]
    public async Task A_server_error_on_a_non_idempotent_action_is_not_retried()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var payment = await bed.PaymentAsync(mandate);
        await bed.Sandbox.Control.InjectFaultAsync("server_error", method: "POST", pathContains: "/actions/cancel");

        var error = await Should.ThrowAsync<GoCardlessApiException>(() => bed.Client.CancelPaymentAsync(payment.Id));

        error.Kind.ShouldBe(GoCardlessErrorKind.GoCardlessError);
        error.Status.ShouldBe(HttpStatusCode.InternalServerError);
        error.IsTransient.ShouldBeTrue();
        (await bed.Client.GetPaymentAsync(payment.Id)).Status.ShouldBe(GoCardlessPaymentStatus.PendingSubmission);
        bed.Logs.Lines.Count(l => l.Message.Contains("/actions/cancel answered", StringComparison.Ordinal)).ShouldBe(1);
        (await bed.Client.CancelPaymentAsync(payment.Id)).Status.ShouldBe(GoCardlessPaymentStatus.Cancelled);
    }

    [Fact]
    public async Task An_error_without_the_envelope_keeps_what_GoCardless_said_and_is_not_retried()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        await bed.Sandbox.Control.InjectFaultAsync("bare_error", count: 2, method: "GET", pathContains: "/creditors");

        var error = await Should.ThrowAsync<GoCardlessApiException>(() => bed.Client.ListCreditorsAsync().ToListAsync().AsTask());

        (error.Status, error.Kind, error.IsTransient).ShouldBe((HttpStatusCode.BadRequest, GoCardlessErrorKind.Unknown, false));
        error.ApiMessage.ShouldBe("bank_authorisation_expired");
        error.Message.ShouldContain("bank_authorisation_expired");
        // The second injected fault is still waiting: the 400 was not asked again.
        await Should.ThrowAsync<GoCardlessApiException>(() => bed.Client.ListCreditorsAsync().ToListAsync().AsTask());
        (await bed.Client.ListCreditorsAsync().ToListAsync()).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Reads_give_up_after_the_configured_number_of_attempts()
    {
        await using var bed = await GoCardlessClientBed.StartAsync(settings: new Dictionary<string, string?> { ["GoCardless:MaxAttempts"] = "3" });
        await bed.Sandbox.Control.InjectFaultAsync("server_error", count: 5, method: "GET", pathContains: "/creditors");

        var error = await Should.ThrowAsync<GoCardlessApiException>(() => bed.Client.ListCreditorsAsync().ToListAsync().AsTask());

        error.Kind.ShouldBe(GoCardlessErrorKind.GoCardlessError);
        bed.Logs.Lines.Count(l => l.Message.Contains("GET creditors answered 500", StringComparison.Ordinal)).ShouldBe(3);
    }

    [Fact]
    public async Task A_rate_limited_read_waits_for_the_rate_limit_reset_then_succeeds()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        await bed.Sandbox.Control.InjectFaultAsync("rate_limit", method: "GET", pathContains: "/creditors");
        var clock = Stopwatch.StartNew();

        var creditors = await bed.Client.ListCreditorsAsync().ToListAsync();

        creditors.ShouldHaveSingleItem();

        // The sandbox's RateLimit-Reset is 30 s away; the bed caps waits at 1 s (GoCardless:MaxRateLimitWait).
        // Back-off alone would have waited about 10 ms.
        clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900));
        bed.Logs.Lines.ShouldContain(l => l.Message.Contains("rate limit exhausted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rate_limited_non_idempotent_action_is_not_retried()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        await bed.Sandbox.Control.InjectFaultAsync("rate_limit", method: "POST", pathContains: "/actions/cancel");

        var error = await Should.ThrowAsync<GoCardlessApiException>(() => bed.Client.CancelMandateAsync(mandate.Id));

        error.Kind.ShouldBe(GoCardlessErrorKind.RateLimited);
        error.Reasons.ShouldBe(["rate_limit_reached"]);
        (await bed.Client.GetMandateAsync(mandate.Id)).Status.ShouldBe(GoCardlessMandateStatus.Active);
    }

    [Fact]
    public async Task An_exhausted_rate_limit_holds_the_next_request_until_the_reset_instead_of_earning_a_429()
    {
        await using var bed = await GoCardlessClientBed.StartAsync(
            o => o.GoCardless.RateLimit = new GoCardlessRateLimit(3, TimeSpan.FromSeconds(3)),
            new Dictionary<string, string?> { ["GoCardless:MaxRateLimitWait"] = "00:00:05" });
        var creditorId = (await bed.Client.ListCreditorsAsync().SingleAsync()).Id;
        await bed.Client.GetCreditorAsync(creditorId);
        await bed.Client.GetCreditorAsync(creditorId);

        var fourth = await bed.Client.GetCreditorAsync(creditorId);

        fourth.Id.ShouldBe(creditorId);
        bed.Logs.Lines.ShouldContain(l => l.Message.Contains("rate limit exhausted", StringComparison.Ordinal));
        bed.Logs.Lines.ShouldNotContain(l => l.Message.Contains("answered 429", StringComparison.Ordinal));
    }
}
