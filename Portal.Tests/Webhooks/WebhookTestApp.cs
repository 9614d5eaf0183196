using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Payments;
using Portal.Tests.Stripe;
using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

/// <summary>The Stripe-enabled app with extra handlers whose behaviour each test chooses.</summary>
public sealed class WebhookTestApp : StripePortalApp
{
    public const string AlwaysFails = "test.always_fails";
    public const string FailsTwice = "test.fails_twice";
    public const string Counted = "test.counted";

    public HandlerJournal Journal { get; } = new();

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.AddSingleton(Journal);
        services.AddScoped<IWebhookHandler>(_ => new ScriptedHandler(AlwaysFails, Journal, _ => throw new InvalidOperationException("The handler always fails")));
        services.AddScoped<IWebhookHandler>(_ => new ScriptedHandler(FailsTwice, Journal, attempt => attempt <= 2 ? throw new TimeoutException($"Transient failure {attempt}") : 0));
        services.AddScoped<IWebhookHandler>(_ => new ScriptedHandler(Counted, Journal, _ => 0));
    }

    /// <summary>Every call each handler received, by provider event id.</summary>
    public sealed class HandlerJournal
    {
        public ConcurrentDictionary<string, int> Calls { get; } = new();

        /// <summary>Every call by firm and provider event id: the same id may be two firms' events.</summary>
        public ConcurrentDictionary<(Guid FirmId, string EventId), int> CallsPerFirm { get; } = new();

        public int Record(string eventId) => Calls.AddOrUpdate(eventId, 1, (_, n) => n + 1);

        public void RecordFor(Guid firmId, string eventId) => CallsPerFirm.AddOrUpdate((firmId, eventId), 1, (_, n) => n + 1);
    }

    private sealed class ScriptedHandler(string eventType, HandlerJournal journal, Func<int, int> behaviour) : IWebhookHandler
    {
        public PaymentProvider Provider => PaymentProvider.Stripe;

        public string EventType => eventType;

        public async Task<WebhookOutcome> ApplyAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            var attempt = journal.Record(webhookEvent.ProviderEventId);
            journal.RecordFor(webhookEvent.FirmId, webhookEvent.ProviderEventId);
            // Long enough that two processors would overlap on the same event if claims did not exclude each other.
            await Task.Delay(5, cancellationToken);
            behaviour(attempt);
            return WebhookOutcome.Applied;
        }
    }
}
