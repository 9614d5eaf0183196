using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;
using Portal.Providers.Stripe;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Portal.Webhooks;
using Xunit.Abstractions;

namespace Portal.Tests.Webhooks;

/// <summary>
/// Two app instances on one PostgreSQL database (on SQLite, which runs a single instance, the same one twice), each
/// with its own processor: what a burst of provider events looks like once it is in the inbox.
/// </summary>
public sealed class TwoWebhookInstances : IAsyncLifetime
{
    public WebhookTestApp A { get; private set; } = default!;
    public WebhookTestApp B { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        A = new WebhookTestApp();
        await A.InitializeAsync();
        if (PortalApp.DatabaseUnderTest == DatabaseProvider.Postgres)
        {
            B = new WebhookTestApp(A);
            await B.InitializeAsync();
        }
        else
        {
            B = A;
        }
    }

    public async Task DisposeAsync()
    {
        if (!ReferenceEquals(A, B))
            await ((IAsyncLifetime)B).DisposeAsync();
        await ((IAsyncLifetime)A).DisposeAsync();
    }
}

public sealed class WebhookBatchTests(TwoWebhookInstances instances, ITestOutputHelper output) : IClassFixture<TwoWebhookInstances>, IAsyncLifetime
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);
    private WebhookTestApp A => instances.A;
    private WebhookTestApp B => instances.B;

    public Task InitializeAsync() => A.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Burst_through_two_instances_applies_each_event_once_in_per_object_order_and_the_books_balance()
    {
        var (firm, client) = await A.AFirmWithAClientAsync();
        var other = await A.AClientAsync(firm);
        var invoices = new List<(TestClient Client, Guid Invoice)>();
        foreach (var owner in new[] { client, other })
        {
            for (var i = 0; i < 3; i++)
                invoices.Add((owner, (await A.AnInvoice(owner).WithLine("Retainer", 1, 100_00).IssuedAsync()).Id));
        }
        // Real card payments, several on each invoice: each gets "completed, not paid yet" then "paid".
        var payments = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            var (owner, invoice) = invoices[i % invoices.Count];
            payments.Add((await A.AsProviderForAsync<ProviderPayments, MoneyResult>(firm, p => p.InitiateAsync(new ProviderPaymentRequest(
                owner.Id, PaymentMethod.Card, PaymentProvider.Stripe, [new InvoiceAmount(invoice, owner.Amount(1_00))], null, MoneyChecks.NewKey())))).Id!.Value);
        }
        // Test objects whose five events each must run one after the other, in the order they arrived.
        var objects = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToArray();
        const int steps = 5;

        // Interleaved as a provider's burst is: every object's first event, then every object's second, and so on,
        // with events that belong to no object in between.
        await using (var scope = A.Services.CreateAsyncScope())
        {
            var inbox = scope.ServiceProvider.GetRequiredService<WebhookInbox>();
            for (var step = 0; step < steps; step++)
            {
                foreach (var (paymentId, n) in payments.Select((p, n) => (p, n)))
                {
                    if (step == 0)
                        await StoreAsync(inbox, firm, $"evt_pay_{n:D2}_a", global::Stripe.EventTypes.CheckoutSessionCompleted, SessionFor(paymentId, paid: false));
                    if (step == 1)
                        await StoreAsync(inbox, firm, $"evt_pay_{n:D2}_b", global::Stripe.EventTypes.CheckoutSessionAsyncPaymentSucceeded, SessionFor(paymentId, paid: true));
                }
                for (var o = 0; o < objects.Length; o++)
                    await StoreAsync(inbox, firm, $"evt_obj_{o}_{step}", WebhookTestApp.Ordered, SessionFor(objects[o], paid: true));
                await StoreAsync(inbox, firm, $"evt_loose_{step}", WebhookTestApp.Counted, null);
            }
        }
        var stored = await A.InboxAsync();
        stored.Count.ShouldBe(payments.Count * 2 + objects.Length * steps + steps);

        var counts = await Task.WhenAll(DrainAsync(A), DrainAsync(B));
        output.WriteLine($"instance A attempted {counts[0]}, instance B {counts[1]}");

        counts.Sum().ShouldBe(stored.Count, "each event attempted once in all");
        if (!ReferenceEquals(A, B))
            counts.ShouldAllBe(c => c > 0, "both instances should have taken part");
        var inboxAfter = await A.InboxAsync();
        inboxAfter.ShouldAllBe(e => e.Status == WebhookEventStatus.Applied && e.Attempts == 1 && e.LastError == null);
        foreach (var test in inboxAfter.Where(e => e.Type is WebhookTestApp.Ordered or WebhookTestApp.Counted))
            A.Journal.Calls[test.ProviderEventId].ShouldBe(1, test.ProviderEventId);
        A.Journal.Overlapping.ShouldBeEmpty("two events of one object were applied at the same time");
        var started = A.Journal.Started.ToList();
        for (var o = 0; o < objects.Length; o++)
        {
            started.Where(id => id.StartsWith($"evt_obj_{o}_", StringComparison.Ordinal)).ShouldBe(
                Enumerable.Range(0, steps).Select(step => $"evt_obj_{o}_{step}"), $"object {o}'s events in the order they arrived");
        }

        await using var db = A.OpenDb(firm.Id);
        (await db.Payments.Where(p => payments.Contains(p.Id)).Select(p => p.Status).ToListAsync()).ShouldAllBe(s => s == PaymentStatus.Succeeded);
        var succeededMovements = await db.LedgerTransactions.Where(t => t.Kind == LedgerTransactionKind.PaymentSucceeded).Select(t => t.PaymentId).ToListAsync();
        succeededMovements.Order().ShouldBe(payments.Select(p => (Guid?)p).Order(), "one payment-succeeded movement per payment");
        (await db.Invoices.SumAsync(i => i.PaidMinor)).ShouldBe(payments.Count * 1_00);
        await A.LedgerShouldBeConsistentAsync(firm);
    }

    [Fact]
    public async Task Poisoned_event_in_a_batch_neither_blocks_nor_undoes_the_others()
    {
        var (firm, client) = await A.AFirmWithAClientAsync();
        var invoice = await A.AnInvoice(client).WithLine("Audit", 1, 40_00).IssuedAsync();
        var paymentId = (await A.AsProviderForAsync<ProviderPayments, MoneyResult>(firm, p => p.InitiateAsync(new ProviderPaymentRequest(
            client.Id, PaymentMethod.Card, PaymentProvider.Stripe, [new InvoiceAmount(invoice.Id, client.Amount(40_00))], null, MoneyChecks.NewKey())))).Id!.Value;
        var poisoned = Guid.NewGuid();
        await using (var scope = A.Services.CreateAsyncScope())
        {
            var inbox = scope.ServiceProvider.GetRequiredService<WebhookInbox>();
            await StoreAsync(inbox, firm, "evt_poison", WebhookTestApp.AlwaysFails, SessionFor(poisoned, paid: true));
            // The same object's next event: it waits for the poisoned one, which comes first.
            await StoreAsync(inbox, firm, "evt_after_poison", WebhookTestApp.Ordered, SessionFor(poisoned, paid: true));
            for (var i = 0; i < 8; i++)
                await StoreAsync(inbox, firm, $"evt_healthy_{i}", WebhookTestApp.Counted, null);
            await StoreAsync(inbox, firm, "evt_paid", global::Stripe.EventTypes.CheckoutSessionCompleted, SessionFor(paymentId, paid: true));
        }

        // The poisoned event fails inside the first batch, among healthy ones; the eleventh waits for it.
        (await A.ProcessWebhooksAsync()).ShouldBe(10);

        var inbox1 = (await A.InboxAsync()).ToDictionary(e => e.ProviderEventId);
        (inbox1["evt_poison"].Status, inbox1["evt_poison"].Attempts, inbox1["evt_poison"].LastError)
            .ShouldBe((WebhookEventStatus.Pending, 1, "InvalidOperationException: The handler always fails"));
        (inbox1["evt_after_poison"].Status, inbox1["evt_after_poison"].Attempts).ShouldBe((WebhookEventStatus.Pending, 0));
        A.Journal.Calls.ContainsKey("evt_after_poison").ShouldBeFalse("it must wait for the earlier event of its object");
        for (var i = 0; i < 8; i++)
            (inbox1[$"evt_healthy_{i}"].Status, inbox1[$"evt_healthy_{i}"].Attempts).ShouldBe((WebhookEventStatus.Applied, 1));
        inbox1["evt_paid"].Status.ShouldBe(WebhookEventStatus.Applied);
        (await PaymentStatusAsync(firm, paymentId)).ShouldBe(PaymentStatus.Succeeded);
        (await A.InvoiceAsync(firm, invoice.Id)).PaidMinor.ShouldBe(40_00);

        // The test app parks an event at its third failure; only then does the object's next event go through.
        await A.ProcessWebhooksAsync();
        (await A.InboxAsync()).Single(e => e.ProviderEventId == "evt_after_poison").Attempts.ShouldBe(0);
        await A.ProcessWebhooksAsync();

        var inbox3 = (await A.InboxAsync()).ToDictionary(e => e.ProviderEventId);
        (inbox3["evt_poison"].Status, inbox3["evt_poison"].Attempts).ShouldBe((WebhookEventStatus.Parked, 3));
        (inbox3["evt_after_poison"].Status, inbox3["evt_after_poison"].Attempts).ShouldBe((WebhookEventStatus.Applied, 1));
        for (var i = 0; i < 8; i++)
            A.Journal.Calls[$"evt_healthy_{i}"].ShouldBe(1);
        (await PaymentStatusAsync(firm, paymentId)).ShouldBe(PaymentStatus.Succeeded);
        await A.LedgerShouldBeConsistentAsync(firm);
    }

    [Fact]
    public void Object_key_follows_our_payment_then_the_payment_intent_then_the_object()
    {
        var paymentId = Guid.NewGuid();
        WebhookObjectKey.Of(PaymentProvider.Stripe, StripePortalApp.StripeEventJson("checkout.session.completed", dataObject: SessionFor(paymentId, paid: true)))
            .ShouldBe($"payment:{paymentId:N}");
        WebhookObjectKey.Of(PaymentProvider.Stripe, StripePortalApp.StripeEventJson("charge.refunded", dataObject: new JsonObject
        {
            ["id"] = "ch_1", ["object"] = "charge", ["payment_intent"] = "pi_1", ["metadata"] = new JsonObject(),
        })).ShouldBe("payment_intent:pi_1");
        WebhookObjectKey.Of(PaymentProvider.Stripe, StripePortalApp.StripeEventJson("customer.created", dataObject: new JsonObject { ["id"] = "cus_1", ["object"] = "customer" }))
            .ShouldBe("customer:cus_1");
        WebhookObjectKey.Of(PaymentProvider.GoCardless, """{"id":"EV1","resource_type":"payments","action":"confirmed","links":{"payment":"PM1","mandate":"MD1"}}""")
            .ShouldBe("payment:PM1");
        WebhookObjectKey.Of(PaymentProvider.GoCardless, """{"id":"EV2","resource_type":"mandates","action":"active","links":{"mandate":"MD1"}}""")
            .ShouldBe("mandate:MD1");
        WebhookObjectKey.Of(PaymentProvider.Stripe, "not json").ShouldBeNull();
        WebhookObjectKey.Of(PaymentProvider.Stripe, """{"id":"evt_1","data":{"object":{"id":"cus_1"}}}""").ShouldBeNull();
    }

    /// <summary>
    /// Runs one instance's processor as its background loop does: pass after pass until nothing is left unfinished
    /// (an object's next event becomes due only when the other instance has applied the one before it).
    /// </summary>
    private async Task<int> DrainAsync(WebhookTestApp app)
    {
        var processor = app.Services.GetRequiredService<WebhookProcessor>();
        var deadline = DateTime.UtcNow + DrainLimit;
        var attempted = 0;
        while (true)
        {
            attempted += await processor.ProcessDueAsync();
            await using var db = app.OpenDb();
            if (!await db.WebhookEvents.IgnoreQueryFilters().AnyAsync(e => e.Status == WebhookEventStatus.Pending || e.Status == WebhookEventStatus.Processing))
                return attempted;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Events still unfinished after {DrainLimit.TotalSeconds} s.");
        }
    }

    private static async Task StoreAsync(WebhookInbox inbox, TestFirm firm, string eventId, string type, JsonObject? dataObject) =>
        (await inbox.StoreAsync(PaymentProvider.Stripe, eventId, firm.Id, type, StripePortalApp.StripeEventJson(type, eventId, dataObject))).ShouldBeTrue();

    private async Task<PaymentStatus> PaymentStatusAsync(TestFirm firm, Guid paymentId)
    {
        await using var db = A.OpenDb(firm.Id);
        return await db.Payments.Where(p => p.Id == paymentId).Select(p => p.Status).SingleAsync();
    }

    /// <summary>A Checkout Session Portal created for <paramref name="paymentId"/> (its id in the metadata), paid or not yet.</summary>
    private static JsonObject SessionFor(Guid paymentId, bool paid) => new()
    {
        ["id"] = "cs_test_" + paymentId.ToString("N"),
        ["object"] = "checkout.session",
        ["mode"] = "payment",
        ["status"] = "complete",
        ["payment_status"] = paid ? "paid" : "unpaid",
        ["currency"] = "eur",
        ["client_reference_id"] = paymentId.ToString(),
        ["metadata"] = new JsonObject { [StripePaymentLookup.PaymentIdKey] = paymentId.ToString() },
        ["payment_intent"] = null,
        ["livemode"] = false,
    };
}
