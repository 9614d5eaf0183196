using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Account;
using Portal.Data;
using Portal.Domain.OutgoingWebhooks;
using Portal.Email;

namespace Portal.OutgoingWebhooks;

/// <summary>The JSON an endpoint receives for an event: the same bytes for every try and resend.</summary>
public static class OutgoingEventBody
{
    public static string Of(OutgoingEvent outgoing)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", outgoing.Id);
            json.WriteString("object", "event");
            json.WriteString("type", outgoing.Type);
            json.WriteString("created_at", outgoing.CreatedAt.ToUniversalTime());
            json.WritePropertyName("data");
            json.WriteRawValue(outgoing.PayloadJson);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>
/// Sends outgoing webhooks, on every instance. First it fans each new event out into one delivery per endpoint that
/// wants it (the event is claimed with a conditional update, and a unique (event, endpoint) index backs it up), then
/// it claims each due delivery with a conditional update (Pending → Sending with a lease) before sending, so two
/// instances never send the same try. A try is a signed POST with a 10 s timeout; any 2xx is success. Failures wait
/// longer each time (<see cref="WebhookDelivery.BackOff"/>) until three days after the event, then the delivery is
/// Failed; an endpoint that has had nothing go through for those three days is disabled and its owners emailed once.
/// A crash between the claim and the outcome leaves a delivery Sending whose lease runs out: it is sent again. That is
/// at least once, as webhooks are everywhere: the receiver deduplicates on the event id.
/// </summary>
internal sealed partial class OutgoingWebhookDispatcher(
    IServiceScopeFactory scopes, OutgoingWebhookSignal signal, IHttpClientFactory http, WebhookSecrets secrets, Mailer mailer, IOptions<OutgoingWebhookOptions> options,
    TimeProvider clock, ILogger<OutgoingWebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "outgoing-webhooks";

    internal static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private const int Page = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Sending webhooks failed; will try again");
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(options.Value.PollInterval);
            try
            {
                await signal.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The periodic sweep: events from other instances, retries that fell due.
            }
        }
    }

    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await FanOutAsync(db, cancellationToken);
        var now = clock.GetUtcNow();
        // Claimed by a sender that stopped: due again.
        await db.WebhookDeliveries.IgnoreQueryFilters()
            .Where(d => d.Status == WebhookDeliveryStatus.Sending && d.LeaseUntil != null && d.LeaseUntil < now)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Pending).SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            now = clock.GetUtcNow();
            var due = await db.WebhookDeliveries.IgnoreQueryFilters()
                .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now
                    && db.WebhookEndpoints.IgnoreQueryFilters().Any(e => e.Id == d.EndpointId && e.Enabled))
                .OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(Page).ToListAsync(cancellationToken);
            foreach (var id in due)
                await SendAsync(db, id, cancellationToken);
            if (due.Count < Page)
                break;
        }
    }

    /// <summary>Makes the deliveries of new events, each event by one instance only.</summary>
    private async Task FanOutAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        // Most firms have no endpoint: their events need no delivery, and are settled in one statement rather than
        // one transaction each (an import of thousands of clients). An endpoint hears of events raised after it exists.
        var settledAt = clock.GetUtcNow();
        await db.OutgoingEvents.IgnoreQueryFilters()
            .Where(e => e.FannedOutAt == null && !db.WebhookEndpoints.IgnoreQueryFilters().Any(w => w.FirmId == e.FirmId && w.Enabled))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.FannedOutAt, settledAt), cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            var fresh = await db.OutgoingEvents.IgnoreQueryFilters().Where(e => e.FannedOutAt == null)
                .OrderBy(e => e.CreatedAt).Take(Page).ToListAsync(cancellationToken);
            db.ChangeTracker.Clear();
            foreach (var outgoing in fresh)
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var now = clock.GetUtcNow();
                var claimed = await db.OutgoingEvents.IgnoreQueryFilters().Where(e => e.Id == outgoing.Id && e.FannedOutAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.FannedOutAt, now), cancellationToken);
                if (claimed == 0)
                    continue;
                // An endpoint hears of what happened after it was added, however late the fan-out runs.
                var endpoints = await db.WebhookEndpoints.IgnoreQueryFilters().AsNoTracking()
                    .Where(e => e.FirmId == outgoing.FirmId && e.Enabled && e.CreatedAt <= outgoing.CreatedAt).ToListAsync(cancellationToken);
                foreach (var endpoint in endpoints.Where(e => e.Wants(outgoing.Type)))
                    db.WebhookDeliveries.Add(new WebhookDelivery(outgoing, endpoint, now));
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
            if (fresh.Count < Page)
                return;
        }
    }

    private async Task SendAsync(PortalDbContext db, Guid deliveryId, CancellationToken cancellationToken)
    {
        var leaseUntil = clock.GetUtcNow() + Lease;
        var claimed = await db.WebhookDeliveries.IgnoreQueryFilters()
            .Where(d => d.Id == deliveryId && d.Status == WebhookDeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Sending).SetProperty(d => d.LeaseUntil, leaseUntil), cancellationToken);
        if (claimed == 0)
            return;
        var delivery = await db.WebhookDeliveries.IgnoreQueryFilters().SingleAsync(d => d.Id == deliveryId, cancellationToken);
        var endpoint = await db.WebhookEndpoints.IgnoreQueryFilters().SingleAsync(e => e.Id == delivery.EndpointId, cancellationToken);
        var outgoing = await db.OutgoingEvents.IgnoreQueryFilters().AsNoTracking().SingleAsync(e => e.Id == delivery.EventId, cancellationToken);
        var attempt = await PostAsync(endpoint, outgoing, cancellationToken);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (attempt.Succeeded)
        {
            delivery.Succeed(now, attempt.StatusCode!.Value, attempt.ResponseBody);
            endpoint.Succeeded(now);
            LogDelivered(delivery.Id, outgoing.Type, attempt.StatusCode.Value);
        }
        else
        {
            LogNotDelivered(delivery.Id, outgoing.Type, attempt.StatusCode, delivery.Attempts + 1);
            if (delivery.Fail(now, attempt.StatusCode, attempt.ResponseBody, attempt.Error!)
                && endpoint.GaveUpOn(outgoing.CreatedAt, now, $"Nothing went through for {WebhookDelivery.RetryWindow.TotalDays:0} days: {attempt.Error}"))
                await TellOwnersAsync(db, endpoint, cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    private sealed record Attempt(bool Succeeded, int? StatusCode, string? ResponseBody, string? Error);

    private async Task<Attempt> PostAsync(WebhookEndpoint endpoint, OutgoingEvent outgoing, CancellationToken cancellationToken)
    {
        var body = OutgoingEventBody.Of(outgoing);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.EventIdHeader, outgoing.Id.ToString());
        request.Headers.Add(WebhookSignature.EventTypeHeader, outgoing.Type);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(secrets.Unprotect(endpoint.ProtectedSecret), clock.GetUtcNow(), body));
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var answer = await FirstCharactersAsync(response, timeout.Token);
            var code = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new Attempt(true, code, answer, null)
                : new Attempt(false, code, answer, $"HTTP {code.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Attempt(false, null, null, $"No answer within {options.Value.Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException ex)
        {
            var refused = FindInner<WebhookAddressRefusedException>(ex);
            return new Attempt(false, null, null, refused?.Message ?? ex.Message);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // The key ring that encrypted the secret is gone: nothing can be signed until the owner makes a new endpoint.
            return new Attempt(false, null, null, "The endpoint's signing secret cannot be read (the app's keys changed); add the endpoint again.");
        }
    }

    private static T? FindInner<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is T found)
                return found;
        return null;
    }

    /// <summary>The first characters of the answer, for the deliveries page; the rest is not read.</summary>
    private static async Task<string> FirstCharactersAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[WebhookDelivery.MaxResponseLength * 4];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellationToken) is var n and > 0)
            read += n;
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        return text.Length > WebhookDelivery.MaxResponseLength ? text[..WebhookDelivery.MaxResponseLength] : text;
    }

    /// <summary>The firm's owners hear once that the endpoint was disabled (a key per disabling, in the same transaction).</summary>
    private async Task TellOwnersAsync(PortalDbContext db, WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        var owners = await (from user in db.Users
                            join link in db.UserRoles on user.Id equals link.UserId
                            join role in db.Roles on link.RoleId equals role.Id
                            where user.FirmId == endpoint.FirmId && role.Name == Roles.Owner && user.Email != null
                            select new { user.Id, user.Email, user.Culture }).ToListAsync(cancellationToken);
        var disabledAt = endpoint.DisabledAt!.Value.UtcTicks.ToString(CultureInfo.InvariantCulture);
        foreach (var owner in owners)
        {
            var (subject, text) = WebhookDisabledMail.For(owner.Culture, endpoint.Url);
            var html = string.Join("", text.Split("\n\n").Select(p => $"<p>{WebUtility.HtmlEncode(p)}</p>"));
            var message = new EmailMessage(endpoint.FirmId, owner.Email!, subject, text, html, endpoint.DisabledAt.Value,
                $"webhook-disabled:{endpoint.Id:N}:{disabledAt}:{owner.Id}");
            await mailer.QueueOnceAsync(db, message, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} ({EventType}) answered {StatusCode}")]
    private partial void LogDelivered(Guid deliveryId, string eventType, int statusCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} ({EventType}) not delivered (HTTP {StatusCode}), try {Attempt}")]
    private partial void LogNotDelivered(Guid deliveryId, string eventType, int? statusCode, int attempt);
}
