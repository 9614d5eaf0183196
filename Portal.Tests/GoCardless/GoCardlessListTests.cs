using Portal.GoCardless;

namespace Portal.Tests.GoCardless;

public sealed class GoCardlessListTests
{
    [Fact]
    public async Task Listing_follows_the_after_cursor_across_pages_newest_first()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var created = (await bed.PaymentIdsAsync(mandate, 5)).ToArray();

        var listed = await bed.Client.ListPaymentsAsync(new GoCardlessPaymentFilter(MandateId: mandate.Id), new GoCardlessPaging(Limit: 2)).ToListAsync();

        listed.Select(p => p.Id).ShouldBe(Enumerable.Reverse(created));
        bed.Logs.Lines.Count(l => l.Message.Contains("GET payments answered 200", StringComparison.Ordinal)).ShouldBe(3);
    }

    [Fact]
    public async Task Listing_before_a_cursor_walks_towards_newer_items()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var created = (await bed.PaymentIdsAsync(mandate, 5)).ToArray();

        var newerThanFirst = await bed.Client.ListPaymentsAsync(paging: new GoCardlessPaging(Limit: 2, Before: created[0])).ToListAsync();
        var olderThanLast = await bed.Client.ListPaymentsAsync(paging: new GoCardlessPaging(Limit: 2, After: created[^1])).ToListAsync();

        newerThanFirst.Select(p => p.Id).ShouldBe(created[1..], ignoreOrder: true);
        olderThanLast.Select(p => p.Id).ShouldBe(Enumerable.Reverse(created[..^1]));
    }

    [Fact]
    public async Task Events_are_listed_with_filters_for_reconciliation()
    {
        await using var bed = await GoCardlessClientBed.StartAsync();
        var mandate = await bed.ActiveMandateAsync();
        var since = (await bed.Client.ListEventsAsync(paging: new GoCardlessPaging(Limit: 1)).FirstAsync()).CreatedAt;
        await Task.Delay(5); // later events must carry a later millisecond than the mark
        var payment = await bed.PaymentAsync(mandate);
        await bed.Client.RunScenarioAsync("payment_confirmed", payment.Id);

        var sinceMark = await bed.Client.ListEventsAsync(new GoCardlessEventFilter(CreatedAfter: since)).ToListAsync();
        var confirmations = await bed.Client.ListEventsAsync(new GoCardlessEventFilter(ResourceType: GoCardlessResourceType.Payments, Action: "confirmed")).ToListAsync();
        var forMandate = await bed.Client.ListEventsAsync(new GoCardlessEventFilter(MandateId: mandate.Id)).ToListAsync();
        var single = await bed.Client.GetEventAsync(confirmations.Single().Id);

        sinceMark.Select(e => e.Action).ShouldBe(["confirmed", "submitted", "created"]);
        sinceMark.ShouldAllBe(e => e.ResourceType == GoCardlessResourceType.Payments && e.Links.Payment == payment.Id);
        single.Details.Origin.ShouldBe(GoCardlessEventOrigin.Gocardless);
        single.Details.Cause.ShouldBe("payment_confirmed");
        single.ResourceMetadata["invoice_id"].ShouldBe("42");
        forMandate.Select(e => e.Action).ShouldBe(["active", "created"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    public async Task A_page_size_gocardless_refuses_is_refused_before_any_request(int limit)
    {
        await using var bed = await GoCardlessClientBed.StartAsync();

        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => bed.Client.ListPaymentsAsync(paging: new GoCardlessPaging(limit)).ToListAsync().AsTask());

        bed.Logs.Lines.ShouldNotContain(l => l.Message.Contains("GET payments", StringComparison.Ordinal));
    }
}
