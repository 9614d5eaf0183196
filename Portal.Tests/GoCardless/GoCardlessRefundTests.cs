using Portal.Domain;
using Portal.GoCardless;

namespace Portal.Tests.GoCardless;

public sealed class GoCardlessRefundTests
{
    [Fact]
    public async Task A_confirmed_payment_is_refunded_in_parts_each_confirming_the_new_total()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var payment = await bed.PaymentAsync(mandate, pence: 10_000);
        await bed.Client.RunScenarioAsync("payment_confirmed", payment.Id);

        var first = await bed.Client.CreateRefundAsync(new NewRefund(payment.Id, Pounds(30), Pounds(30), Metadata: new Dictionary<string, string> { ["credit_note"] = "CN-1" }), "refund-1");
        var second = await bed.Client.CreateRefundAsync(new NewRefund(payment.Id, Pounds(20), Pounds(50)), "refund-2");
        var stale = await Should.ThrowAsync<GoCardlessApiException>(() =>
            bed.Client.CreateRefundAsync(new NewRefund(payment.Id, Pounds(20), Pounds(20)), "refund-3"));
        var tooMuch = await Should.ThrowAsync<GoCardlessApiException>(() =>
            bed.Client.CreateRefundAsync(new NewRefund(payment.Id, Pounds(60), Pounds(110)), "refund-4"));

        first.Amount.ShouldBe(Pounds(30));
        first.Links.Payment.ShouldBe(payment.Id);
        first.Status.ShouldBe(GoCardlessRefundStatus.Created);
        (await bed.Client.GetRefundAsync(first.Id)).Metadata["credit_note"].ShouldBe("CN-1");
        second.Amount.ShouldBe(Pounds(20));
        stale.Kind.ShouldBe(GoCardlessErrorKind.InvalidState);
        stale.Reasons.ShouldBe(["total_amount_confirmation_invalid"]);
        tooMuch.Reasons.ShouldBe(["available_refund_amount_insufficient"]);
        (await bed.Client.GetPaymentAsync(payment.Id)).AmountRefunded.ShouldBe(Pounds(50));
        (await bed.Client.ListRefundsAsync(payment.Id).ToListAsync()).Select(r => r.Id).ShouldBe([second.Id, first.Id]);
        (await bed.Client.ListEventsAsync(new GoCardlessEventFilter(RefundId: first.Id)).ToListAsync()).ShouldHaveSingleItem().Action.ShouldBe("created");
    }

    [Fact]
    public async Task A_payment_not_yet_collected_cannot_be_refunded()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var payment = await bed.PaymentAsync(mandate);

        var refused = await Should.ThrowAsync<GoCardlessApiException>(() =>
            bed.Client.CreateRefundAsync(new NewRefund(payment.Id, Pounds(10), Pounds(10)), GoCardlessClientBed.NewKey()));

        refused.Kind.ShouldBe(GoCardlessErrorKind.InvalidState);
        refused.Reasons.ShouldBe(["refund_payment_invalid_state"]);
        (await bed.Client.GetCreditorAsync((await bed.Client.ListCreditorsAsync().FirstAsync()).Id)).CanCreateRefunds.ShouldBeTrue();
    }

    private static Money Pounds(long pounds) => new(pounds * 100, Currency.GBP);
}
