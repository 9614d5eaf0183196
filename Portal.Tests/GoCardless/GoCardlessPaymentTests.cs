using System.Net;
using Portal.Domain;
using Portal.GoCardless;

using Portal.Tests.Fixture;

namespace Portal.Tests.GoCardless;

public sealed class GoCardlessPaymentTests
{
    [Fact]
    public async Task A_payment_is_created_for_the_requested_charge_date_in_money_with_its_metadata()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var dueDate = BankingDays.FirstWorkingDayOnOrAfter(mandate.NextPossibleChargeDate!.Value.AddDays(10));

        var payment = await bed.Client.CreatePaymentAsync(
            new NewPayment(new Money(12_345, Currency.GBP), mandate.Id, dueDate, "Invoice INV-42", Metadata: new Dictionary<string, string> { ["invoice_id"] = "42" }),
            "payment-42");
        var read = await bed.Client.GetPaymentAsync(payment.Id);

        payment.Id.ShouldStartWith("PM");
        payment.Amount.ShouldBe(new Money(12_345, Currency.GBP));
        payment.AmountRefunded.ShouldBe(Money.Zero(Currency.GBP));
        payment.ChargeDate.ShouldBe(dueDate);
        payment.Status.ShouldBe(GoCardlessPaymentStatus.PendingSubmission);
        payment.Links.Mandate.ShouldBe(mandate.Id);
        payment.Metadata["invoice_id"].ShouldBe("42");
        read.ShouldBeEquivalentTo(payment);
    }

    [Fact]
    public async Task A_payment_moves_through_confirmed_to_paid_out_and_its_payout_is_net_of_fees()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var payment = await bed.PaymentAsync(mandate, pence: 20_000);

        await bed.Client.RunScenarioAsync("payment_confirmed", payment.Id);
        var confirmed = await bed.Client.GetPaymentAsync(payment.Id);
        await bed.Control.PostAsync("scenarios/payment_paid_out", new { resource = payment.Id });
        var paidOut = await bed.Client.GetPaymentAsync(payment.Id);
        var payout = await bed.Client.GetPayoutAsync(paidOut.Links.Payout!);
        var actions = await bed.Client.ListEventsAsync(new GoCardlessEventFilter(ResourceType: GoCardlessResourceType.Payments, PaymentId: payment.Id))
            .Select(e => e.Action).ToListAsync();

        confirmed.Status.ShouldBe(GoCardlessPaymentStatus.Confirmed);
        paidOut.Status.ShouldBe(GoCardlessPaymentStatus.PaidOut);
        payout.Status.ShouldBe(GoCardlessPayoutStatus.Paid);
        (payout.Amount + payout.DeductedFees).ShouldBe(paidOut.Amount);
        payout.DeductedFees.IsPositive.ShouldBeTrue();
        actions.ShouldBe(["paid_out", "confirmed", "submitted", "created"]);
        (await bed.Client.ListPayoutsAsync().ToListAsync()).Select(p => p.Id).ShouldBe([payout.Id]);
    }

    [Fact]
    public async Task A_charge_date_before_the_mandates_next_possible_date_is_a_validation_error_naming_the_field()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();

        var error = await Should.ThrowAsync<GoCardlessApiException>(() => bed.Client.CreatePaymentAsync(
            new NewPayment(new Money(5_000, Currency.GBP), mandate.Id, bed.Sandbox.Today), GoCardlessClientBed.NewKey()));

        error.Kind.ShouldBe(GoCardlessErrorKind.ValidationFailed);
        error.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        error.Type.ShouldBe("validation_failed");
        error.RequestId.ShouldNotBeNullOrEmpty();
        var field = error.Errors.ShouldHaveSingleItem();
        field.Field.ShouldBe("charge_date");
        field.RequestPointer.ShouldBe("/payments/charge_date");
        field.Message.ShouldNotBeNull().ShouldContain("next_possible_charge_date");
        error.Message.ShouldContain("charge_date");
        (await bed.Client.ListPaymentsAsync().ToListAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Cancelling_works_before_submission_and_is_an_invalid_state_after()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var early = await bed.PaymentAsync(mandate);
        var late = await bed.PaymentAsync(mandate);
        await bed.Client.RunScenarioAsync("payment_submitted", late.Id);

        var cancelled = await bed.Client.CancelPaymentAsync(early.Id);
        var refused = await Should.ThrowAsync<GoCardlessApiException>(() => bed.Client.CancelPaymentAsync(late.Id));

        cancelled.Status.ShouldBe(GoCardlessPaymentStatus.Cancelled);
        refused.Kind.ShouldBe(GoCardlessErrorKind.InvalidState);
        refused.Reasons.ShouldBe(["cancellation_failed"]);
        (await bed.Client.GetPaymentAsync(late.Id)).Status.ShouldBe(GoCardlessPaymentStatus.Submitted);
    }

    [Fact]
    public async Task A_failed_payment_can_be_retried_on_a_later_date()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var payment = await bed.PaymentAsync(mandate);
        await bed.Client.RunScenarioAsync("payment_failed", payment.Id);
        var retryDate = BankingDays.FirstWorkingDayOnOrAfter(mandate.NextPossibleChargeDate!.Value.AddDays(14));

        var retried = await bed.Client.RetryPaymentAsync(payment.Id, retryDate);

        retried.Status.ShouldBe(GoCardlessPaymentStatus.PendingSubmission);
        retried.ChargeDate.ShouldBe(retryDate);
    }

    [Fact]
    public async Task An_unknown_access_token_is_an_authentication_error_and_is_not_retried()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var stranger = bed.Clients.For(GoCardlessEnvironment.PortalSandbox, "not_a_token_this_sandbox_knows");

        var error = await Should.ThrowAsync<GoCardlessApiException>(() => stranger.GetCreditorAsync("CR123"));

        error.Kind.ShouldBe(GoCardlessErrorKind.Authentication);
        error.Status.ShouldBe(HttpStatusCode.Unauthorized);
        error.Reasons.ShouldBe(["authentication_failed"]);
        bed.Logs.Lines.Count(l => l.Message.Contains("answered 401", StringComparison.Ordinal)).ShouldBe(1);
    }
}
