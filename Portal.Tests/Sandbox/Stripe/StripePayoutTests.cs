using System.Net;
using Stripe;

namespace Portal.Tests.Sandbox.Stripe;

public sealed class StripePayoutTests
{
    [Fact]
    public async Task A_payout_takes_the_available_balance_net_of_fees_and_refunds_and_lists_its_transactions_page_by_page()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var first = await bed.PaidSessionAsync(amount: 10_000);
        var second = await bed.PaidSessionAsync(amount: 4_000);
        await bed.PaidSessionAsync(amount: 2_500);
        var refund = await bed.Client.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = second.PaymentIntentId, Amount = 1_000 });
        await bed.PaidSessionAsync(amount: 9_900, currency: "usd");

        var made = await bed.Control.PostAsync("payouts", new { account_of = first.PaymentIntentId, currency = "eur" });
        var payout = await bed.Client.V1.Payouts.GetAsync(made["id"]!.GetValue<string>());
        var paid = (Payout)(await bed.WebhookEventAsync(EventTypes.PayoutPaid)).Data.Object;
        var pages = new List<List<BalanceTransaction>>();
        var options = new BalanceTransactionListOptions { Payout = payout.Id, Limit = 2, Expand = ["data.source"] };
        while (true)
        {
            var page = await bed.Client.V1.BalanceTransactions.ListAsync(options);
            pages.Add(page.Data);
            if (!page.HasMore)
                break;
            options.StartingAfter = page.Data[^1].Id;
        }
        var contents = pages.SelectMany(p => p).ToList();

        payout.Id.ShouldStartWith("po_");
        (payout.Status, paid.Id, payout.Currency).ShouldBe(("paid", payout.Id, "eur"));
        pages.Count.ShouldBe(3);
        pages.Take(2).ShouldAllBe(p => p.Count == 2);
        contents.Select(t => t.Type).ShouldBe(["charge", "charge", "charge", "refund", "payout"], ignoreOrder: true);
        contents.Single(t => t.Type == "payout").Amount.ShouldBe(-payout.Amount);
        contents.Where(t => t.Type != "payout").Sum(t => t.Net).ShouldBe(payout.Amount);
        contents.Where(t => t.Type == "charge").ShouldAllBe(t => t.Fee > 0 && t.Source is Charge);
        var refunded = contents.Single(t => t.Type == "refund");
        (refunded.Amount, refunded.Fee, ((Refund)refunded.Source).Id).ShouldBe((-1_000L, 0L, refund.Id));
        payout.Amount.ShouldBe(10_000 + 4_000 + 2_500 - 1_000 - contents.Sum(t => t.Fee));
    }

    [Fact]
    public async Task A_second_payout_has_only_what_came_in_since_and_an_empty_balance_is_refused()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var first = await bed.PaidSessionAsync(amount: 5_000);
        var firstPayout = await bed.Control.PostAsync("payouts", new { account_of = first.PaymentIntentId, currency = "eur" });
        var empty = await bed.Control.PostRawAsync("payouts", new { account_of = first.PaymentIntentId, currency = "eur" });
        var later = await bed.PaidSessionAsync(amount: 3_000);
        var secondPayout = await bed.Control.PostAsync("payouts", new { account_of = later.PaymentIntentId, currency = "eur" });

        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var inSecond = await bed.Client.V1.BalanceTransactions.ListAsync(new BalanceTransactionListOptions { Payout = secondPayout["id"]!.GetValue<string>() });
        inSecond.Data.Where(t => t.Type == "charge").ShouldHaveSingleItem().Amount.ShouldBe(3_000);
        firstPayout["id"]!.GetValue<string>().ShouldNotBe(secondPayout["id"]!.GetValue<string>());
        var unknown = await Should.ThrowAsync<StripeException>(() => bed.Client.V1.Payouts.GetAsync("po_missing"));
        unknown.HttpStatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_paid_payout_that_fails_returns_its_money_to_the_balance_and_sends_payout_failed_once()
    {
        await using var bed = await StripeTestbed.StartAsync();
        var session = await bed.PaidSessionAsync(amount: 7_000);
        var made = await bed.Control.PostAsync("payouts", new { account_of = session.PaymentIntentId, currency = "eur" });
        var id = made["id"]!.GetValue<string>();

        await bed.Control.PostAsync($"payouts/{id}/fail", new { });
        var again = await bed.Control.PostRawAsync($"payouts/{id}/fail", new { });
        var failed = (Payout)(await bed.WebhookEventAsync(EventTypes.PayoutFailed)).Data.Object;
        var payout = await bed.Client.V1.Payouts.GetAsync(id);

        again.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (failed.Id, payout.Status, payout.FailureCode).ShouldBe((id, "failed", "account_closed"));
        var returned = await bed.Client.V1.BalanceTransactions.GetAsync(payout.FailureBalanceTransactionId);
        (returned.Type, returned.Amount).ShouldBe(("payout_failure", payout.Amount));
    }
}
