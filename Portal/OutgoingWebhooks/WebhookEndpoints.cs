using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.OutgoingWebhooks;
using Portal.Integrations;

namespace Portal.OutgoingWebhooks;

public sealed record WebhookEndpointView(Guid Id, string Url, string? Description, IReadOnlyList<string> EventTypes, string SecretMask, bool Enabled,
    DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, string? DisabledReason)
{
    public static WebhookEndpointView Of(WebhookEndpoint e) =>
        new(e.Id, e.Url, e.Description, e.Types, e.SecretMask, e.Enabled, e.CreatedAt, e.DisabledAt, e.DisabledReason);
}

/// <summary>An endpoint just made: <see cref="Secret"/> is shown this once; only its encrypted form is kept.</summary>
public sealed record NewWebhookEndpoint(Guid Id, string Secret);

public sealed record WebhookDeliveryView(Guid Id, Guid EventId, string EventType, DateTimeOffset CreatedAt, WebhookDeliveryStatus Status, int Attempts,
    DateTimeOffset? LastAttemptAt, DateTimeOffset? NextAttemptAt, int? LastResponseCode, string? LastResponseBody, string? LastError, string RequestBody);

/// <summary>
/// The owner's webhook endpoints: make one (its URL checked against <see cref="WebhookAddressGuard"/>), enable,
/// disable, delete, see its deliveries and resend one. Each change is in the audit log. Every query goes through the
/// tenant filter, so another firm's endpoint or delivery is simply not found.
/// </summary>
public sealed class WebhookEndpoints(
    IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, AuditRecorder audit, WebhookAddressGuard guard, WebhookSecrets secrets, OutgoingWebhookSignal signal)
{
    public const int DeliveriesShown = 100;

    public async Task<IReadOnlyList<WebhookEndpointView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var endpoints = await db.WebhookEndpoints.AsNoTracking().ToListAsync(cancellationToken);
        return endpoints.OrderBy(e => e.CreatedAt).Select(WebhookEndpointView.Of).ToList();
    }

    public async Task<NewWebhookEndpoint> CreateAsync(string? url, string? description, IReadOnlyCollection<string> eventTypes, CancellationToken cancellationToken = default)
    {
        var checkedUrl = await guard.CheckAsync(url, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Only a firm's owner can add webhook endpoints.");
        var secret = WebhookSignature.NewSecret();
        var endpoint = new WebhookEndpoint(firmId, checkedUrl, description, eventTypes, secrets.Protect(secret), ProviderSecrets.Mask(secret), clock.GetUtcNow());
        db.WebhookEndpoints.Add(endpoint);
        audit.Record(db, "Webhook endpoint added", "WebhookEndpoint", endpoint.Id, null, $"{endpoint.Url} ({endpoint.EventTypes})");
        await db.SaveChangesAsync(cancellationToken);
        return new NewWebhookEndpoint(endpoint.Id, secret);
    }

    public Task EnableAsync(Guid endpointId, CancellationToken cancellationToken = default) =>
        ChangeAsync(endpointId, "Webhook endpoint enabled", e => e.Enable(), cancellationToken);

    public Task DisableAsync(Guid endpointId, CancellationToken cancellationToken = default) =>
        ChangeAsync(endpointId, "Webhook endpoint disabled", e => e.Disable(clock.GetUtcNow()), cancellationToken);

    public async Task DeleteAsync(Guid endpointId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var endpoint = await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == endpointId, cancellationToken) ?? throw new NotFoundException("webhook endpoint");
        db.WebhookEndpoints.Remove(endpoint);
        audit.Record(db, "Webhook endpoint deleted", "WebhookEndpoint", endpoint.Id, endpoint.Url, null);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<WebhookEndpointView> GetAsync(Guid endpointId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var endpoint = await db.WebhookEndpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == endpointId, cancellationToken) ?? throw new NotFoundException("webhook endpoint");
        return WebhookEndpointView.Of(endpoint);
    }

    /// <summary>The endpoint's latest deliveries, newest first, each with the exact body that was (or will be) sent.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryView>> DeliveriesAsync(Guid endpointId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.WebhookEndpoints.AnyAsync(e => e.Id == endpointId, cancellationToken))
            throw new NotFoundException("webhook endpoint");
        var rows = await (from d in db.WebhookDeliveries
                          join e in db.OutgoingEvents on d.EventId equals e.Id
                          where d.EndpointId == endpointId
                          orderby d.CreatedAt descending
                          select new { Delivery = d, Event = e }).AsNoTracking().Take(DeliveriesShown).ToListAsync(cancellationToken);
        return rows.Select(r => new WebhookDeliveryView(r.Delivery.Id, r.Event.Id, r.Event.Type, r.Delivery.CreatedAt, r.Delivery.Status, r.Delivery.Attempts,
            r.Delivery.LastAttemptAt, r.Delivery.NextAttemptAt, r.Delivery.LastResponseCode, r.Delivery.LastResponseBody, r.Delivery.LastError,
            OutgoingEventBody.Of(r.Event))).ToList();
    }

    /// <summary>One more try of a delivery now, with the same event id, whatever its status.</summary>
    public async Task ResendAsync(Guid deliveryId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId, cancellationToken) ?? throw new NotFoundException("webhook delivery");
        var endpoint = await db.WebhookEndpoints.AsNoTracking().SingleAsync(e => e.Id == delivery.EndpointId, cancellationToken);
        if (!endpoint.Enabled)
            throw new DomainException("Enable the endpoint before resending to it.");
        delivery.Resend(clock.GetUtcNow());
        audit.Record(db, "Webhook delivery resent", "WebhookDelivery", delivery.Id, null, $"{delivery.EventType} {delivery.EventId} to {endpoint.Url}");
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
    }

    private async Task ChangeAsync(Guid endpointId, string action, Action<WebhookEndpoint> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var endpoint = await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == endpointId, cancellationToken) ?? throw new NotFoundException("webhook endpoint");
        change(endpoint);
        audit.Record(db, action, "WebhookEndpoint", endpoint.Id, null, endpoint.Url);
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>Encrypts endpoint signing secrets at rest with Data Protection, under a purpose of their own (as provider secrets are).</summary>
public sealed class WebhookSecrets(IDataProtectionProvider dataProtection)
{
    private IDataProtector Protector => dataProtection.CreateProtector("Portal.OutgoingWebhooks.Secrets.v1");

    public string Protect(string secret) => Protector.Protect(secret);

    public string Unprotect(string ciphertext) => Protector.Unprotect(ciphertext);
}
