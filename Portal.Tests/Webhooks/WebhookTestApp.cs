using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Payments;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;
using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

/// <summary>The Stripe-enabled app with extra handlers whose behaviour each test chooses.</summary>
public sealed class WebhookTestApp : StripePortalApp
{
    public const string AlwaysFails = "test.always_fails";
    public const string FailsTwice = "test.fails_twice";
    public const string Counted = "test.counted";
    /// <summary>Counted, and its application order noted per object (<see cref="HandlerJournal.Started"/>).</summary>
    public const string Ordered = "test.ordered";
    /// <summary>Counted, and held until more events have started than one processor claims in a pass (<see cref="HandlerJournal.HoldUntilStarted"/>).</summary>
    public const string Held = "test.held";

    private readonly WebhookTestApp? _sharesDatabaseWith;

    public WebhookTestApp()
    {
        Journal = new HandlerJournal();
    }

    /// <summary>A second instance on the first one's database, noting its handlers' calls in the same journal (internal: a class fixture has one public constructor).</summary>
    internal WebhookTestApp(WebhookTestApp sharesDatabaseWith)
    {
        _sharesDatabaseWith = sharesDatabaseWith;
        Journal = sharesDatabaseWith.Journal;
    }

    protected override PortalApp? SharesDatabaseWith => _sharesDatabaseWith;

    public HandlerJournal Journal { get; }

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.AddSingleton(Journal);
        services.AddScoped<IWebhookHandler>(_ => new ScriptedHandler(AlwaysFails, Journal, _ => throw new InvalidOperationException("The handler always fails")));
        services.AddScoped<IWebhookHandler>(_ => new ScriptedHandler(FailsTwice, Journal, attempt => attempt <= 2 ? throw new TimeoutException($"Transient failure {attempt}") : 0));
        services.AddScoped<IWebhookHandler>(_ => new ScriptedHandler(Counted, Journal, _ => 0));
        services.AddScoped<IWebhookHandler>(_ => new ScriptedHandler(Ordered, Journal, _ => 0));
        services.AddScoped<IWebhookHandler>(_ => new HeldHandler(Journal));
    }

    /// <summary>Every call each handler received, by provider event id.</summary>
    public sealed class HandlerJournal
    {
        public ConcurrentDictionary<string, int> Calls { get; } = new();

        /// <summary>Every call by firm and provider event id: the same id may be two firms' events.</summary>
        public ConcurrentDictionary<(Guid FirmId, string EventId), int> CallsPerFirm { get; } = new();

        public int Record(string eventId) => Calls.AddOrUpdate(eventId, 1, (_, n) => n + 1);

        public void RecordFor(Guid firmId, string eventId) => CallsPerFirm.AddOrUpdate((firmId, eventId), 1, (_, n) => n + 1);

        /// <summary>Ordered events' ids in the order their handlers started, on any instance.</summary>
        public ConcurrentQueue<string> Started { get; } = new();

        /// <summary>Ordered events whose handler started while another event of the same object was still being applied.</summary>
        public ConcurrentQueue<string> Overlapping { get; } = new();

        internal ConcurrentDictionary<string, string> Running { get; } = new();

        /// <summary>
        /// Held events wait until more than this many have started. A processor cannot claim again while its pass waits on
        /// its handlers, so the one that goes past the count was claimed by another processor: both take part, whatever the timing.
        /// </summary>
        public int HoldUntilStarted { get; set; }

        private int _heldStarted;
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>True once another processor's event started while the first pass was held.</summary>
        public bool HoldReleased => _released.Task.IsCompleted;

        internal async Task HoldAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _heldStarted) > HoldUntilStarted)
                _released.TrySetResult();
            // Not forever: if no other processor ever claims, the events apply and the test says so through HoldReleased.
            try
            {
                await _released.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    private sealed class HeldHandler(HandlerJournal journal) : IWebhookHandler
    {
        public PaymentProvider Provider => PaymentProvider.Stripe;

        public string EventType => Held;

        public async Task<WebhookOutcome> ApplyAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            journal.Record(webhookEvent.ProviderEventId);
            await journal.HoldAsync(cancellationToken);
            return WebhookOutcome.Applied;
        }
    }

    private sealed class ScriptedHandler(string eventType, HandlerJournal journal, Func<int, int> behaviour) : IWebhookHandler
    {
        public PaymentProvider Provider => PaymentProvider.Stripe;

        public string EventType => eventType;

        public async Task<WebhookOutcome> ApplyAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            var attempt = journal.Record(webhookEvent.ProviderEventId);
            journal.RecordFor(webhookEvent.FirmId, webhookEvent.ProviderEventId);
            var ordered = eventType == Ordered && webhookEvent.ObjectKey is not null;
            if (ordered)
            {
                journal.Started.Enqueue(webhookEvent.ProviderEventId);
                if (!journal.Running.TryAdd(webhookEvent.ObjectKey!, webhookEvent.ProviderEventId))
                    journal.Overlapping.Enqueue(webhookEvent.ProviderEventId);
            }
            try
            {
                // Long enough that two processors would overlap on the same event if claims did not exclude each other.
                await Task.Delay(5, cancellationToken);
                behaviour(attempt);
                return WebhookOutcome.Applied;
            }
            finally
            {
                if (ordered)
                    journal.Running.TryRemove(new KeyValuePair<string, string>(webhookEvent.ObjectKey!, webhookEvent.ProviderEventId));
            }
        }
    }
}
