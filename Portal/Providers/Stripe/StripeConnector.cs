using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Sandbox.Stripe;
using Stripe;

namespace Portal.Providers.Stripe;

public sealed record StripeConnectionInput(ProviderMode Mode, string SecretKey, string? PublishableKey, string? WebhookSecret);

public sealed record StripeConnectionCheck(bool Succeeded, string? AccountId, string? AccountName, string? Error);

/// <summary>Connects the current firm to Stripe, checks the keys against Stripe, and disconnects.</summary>
public sealed class StripeConnector(
    ProviderConnections connections, IDbContextFactory<PortalDbContext> dbFactory, StripeClients clients,
    ProviderSecrets secrets, InAppSandbox.InAppSandbox sandbox, IServiceProvider services, TimeProvider clock, ILogger<StripeConnector> logger)
{
    public async Task ConnectAsync(StripeConnectionInput input, CancellationToken cancellationToken = default)
    {
        var secretKey = input.SecretKey.Trim();
        var webhookSecret = input.WebhookSecret?.Trim() ?? "";
        StripeKeys.EnsureFit(input.Mode, secretKey, input.PublishableKey?.Trim(), webhookSecret);
        if (input.Mode == ProviderMode.Sandbox && !sandbox.Enabled)
            throw new DomainException("The sandbox is not enabled on this server: connect in test or live mode.");
        await connections.SaveAsync(PaymentProvider.Stripe, input.Mode, input.PublishableKey, secretKey, webhookSecret, cancellationToken);
        if (input.Mode == ProviderMode.Sandbox)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var connection = await db.ProviderConnections.SingleAsync(c => c.Provider == PaymentProvider.Stripe, cancellationToken);
            await RegisterSandboxWebhookAsync(db, connection, cancellationToken);
        }
    }

    /// <summary>Asks Stripe who the key belongs to: the account on success, Stripe's own message otherwise.</summary>
    public async Task<StripeConnectionCheck> TestAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = await db.ProviderConnections.SingleOrDefaultAsync(c => c.Provider == PaymentProvider.Stripe, cancellationToken)
            ?? throw new DomainException("Stripe is not connected.");
        try
        {
            var account = await clients.For(connection).V1.Accounts.GetSelfAsync(cancellationToken: cancellationToken);
            var name = account.Settings?.Dashboard?.DisplayName ?? account.BusinessProfile?.Name ?? account.Email;
            connection.MarkVerified(account.Id, name, clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            return new StripeConnectionCheck(true, account.Id, name, null);
        }
        catch (StripeException error)
        {
            return new StripeConnectionCheck(false, null, null, error.StripeError?.Message ?? error.Message);
        }
        catch (HttpRequestException error)
        {
            return new StripeConnectionCheck(false, null, null, error.Message);
        }
    }

    public Task DisconnectAsync(CancellationToken cancellationToken = default) =>
        connections.DisconnectAsync(PaymentProvider.Stripe, cancellationToken);

    /// <summary>
    /// The emulator lives in this process's memory, so it forgets webhook endpoints on restart. A connection that
    /// already has a signing secret (the demo's, from <c>Sandbox:Stripe:WebhookSecret</c>, or one given on the
    /// integrations page) gets an endpoint signed with that secret; otherwise Portal registers its URL through the
    /// Stripe API (as a platform would) and keeps the secret Stripe returns.
    /// </summary>
    internal async Task RegisterSandboxWebhookAsync(PortalDbContext db, ProviderConnection connection, CancellationToken cancellationToken)
    {
        var firmKey = await db.Firms.IgnoreQueryFilters().Where(f => f.Id == connection.FirmId).Select(f => f.Key).SingleAsync(cancellationToken);
        var url = sandbox.StripeWebhookUrl(firmKey).ToString();
        var client = clients.For(connection);
        await foreach (var existing in client.V1.WebhookEndpoints.ListAutoPagingAsync(cancellationToken: cancellationToken))
        {
            if (existing.Url == url)
                await client.V1.WebhookEndpoints.DeleteAsync(existing.Id, cancellationToken: cancellationToken);
        }
        if (connection.WebhookSecretProtected.Length > 0 && services.GetService<StripeSandboxSetup>() is { } emulator)
        {
            emulator.AddWebhookEndpoint(secrets.Unprotect(PaymentProvider.Stripe, connection.ApiSecretProtected), url,
                secrets.Unprotect(PaymentProvider.Stripe, connection.WebhookSecretProtected));
        }
        else
        {
            var endpoint = await client.V1.WebhookEndpoints.CreateAsync(
                new WebhookEndpointCreateOptions { Url = url, EnabledEvents = ["*"], Description = "Portal (in-app sandbox)" },
                cancellationToken: cancellationToken);
            connection.ReplaceWebhookSecret(secrets.Protect(PaymentProvider.Stripe, endpoint.Secret));
            await db.SaveChangesAsync(cancellationToken);
        }
        logger.LogInformation("Registered the sandbox Stripe webhook for firm {FirmKey} at {Url}", firmKey, url);
    }
}
