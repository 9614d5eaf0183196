using Portal.Domain.Payments;
using Portal.GoCardless;

namespace Portal.Tests.GoCardless;

public sealed class GoCardlessPaymentChangesTests
{
    [Fact]
    public async Task A_payments_events_from_creation_to_payout_mean_pending_then_succeeded_then_settled()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var payment = await bed.PaymentAsync(mandate);
        await bed.Client.RunScenarioAsync("payment_paid_out", payment.Id);

        var events = await bed.Client.ListEventsAsync(new GoCardlessEventFilter(PaymentId: payment.Id)).Reverse().ToListAsync();
        var changes = events.Select(GoCardlessPaymentChanges.For).Select(c => c?.Change).ToList();

        changes.ShouldBe([PaymentChange.MarkPending, PaymentChange.MarkPending, PaymentChange.Succeed, PaymentChange.Settle]);
        GoCardlessPaymentChanges.For(await bed.Client.GetPaymentAsync(payment.Id))!.Change.ShouldBe(PaymentChange.Settle);
    }

    [Fact]
    public async Task A_late_failure_and_a_chargeback_mean_reversals_with_the_banks_reason()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var failing = await bed.PaymentAsync(mandate);
        var disputed = await bed.PaymentAsync(mandate);
        await bed.Client.RunScenarioAsync("payment_late_failure", failing.Id);
        await bed.Client.RunScenarioAsync("payment_charged_back", disputed.Id);

        var failed = GoCardlessPaymentChanges.For(await bed.Client.ListEventsAsync(new GoCardlessEventFilter(PaymentId: failing.Id, Action: "failed")).SingleAsync());
        var settled = GoCardlessPaymentChanges.For(await bed.Client.ListEventsAsync(new GoCardlessEventFilter(PaymentId: failing.Id, Action: "late_failure_settled")).SingleAsync());
        var chargedBack = GoCardlessPaymentChanges.For(await bed.Client.ListEventsAsync(new GoCardlessEventFilter(PaymentId: disputed.Id, Action: "charged_back")).SingleAsync());

        failed.ShouldNotBeNull();
        failed.Change.ShouldBe(PaymentChange.Fail);
        failed.Reversal.ShouldBe(ReversalReason.LateFailure);
        failed.FailureReason.ShouldNotBeNull().ShouldContain("insufficient_funds (bacs ARUDD-0)");
        settled.ShouldBeNull();
        chargedBack.ShouldBe(new GoCardlessPaymentChange(PaymentChange.Reverse, ReversalReason.Chargeback, chargedBack!.FailureReason));
        chargedBack.FailureReason.ShouldNotBeNull().ShouldContain("authorisation_disputed");
    }

    [Theory]
    [InlineData("cancelled", null, PaymentChange.Cancel)]
    [InlineData("customer_approval_denied", null, PaymentChange.Cancel)]
    [InlineData("resubmission_requested", null, PaymentChange.MarkPending)]
    [InlineData("chargeback_cancelled", null, PaymentChange.WinDispute)]
    [InlineData("failed", true, PaymentChange.MarkPending)]
    [InlineData("failed", false, PaymentChange.Fail)]
    public void Each_payment_action_asks_for_its_change(string action, bool? willAttemptRetry, PaymentChange expected)
    {
        var gcEvent = new GoCardlessEvent
        {
            ResourceType = GoCardlessResourceType.Payments,
            Action = action,
            Details = new GoCardlessEventDetails { Cause = "test", WillAttemptRetry = willAttemptRetry },
        };

        GoCardlessPaymentChanges.For(gcEvent).ShouldNotBeNull().Change.ShouldBe(expected);
    }

    [Fact]
    public void Events_about_other_resources_and_unknown_actions_change_no_payment()
    {
        GoCardlessPaymentChanges.For(new GoCardlessEvent { ResourceType = GoCardlessResourceType.Mandates, Action = "failed" }).ShouldBeNull();
        GoCardlessPaymentChanges.For(new GoCardlessEvent { ResourceType = GoCardlessResourceType.Payments, Action = "surcharge_fee_debited" }).ShouldBeNull();
        GoCardlessPaymentChanges.For(new GoCardlessPayment { Status = GoCardlessPaymentStatus.Unknown }).ShouldBeNull();
    }
}
