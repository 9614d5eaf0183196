using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Providers.PayPal.Api;
using Portal.Sandbox.PayPal;
using Portal.Tenancy;

namespace Portal.Providers.PayPal;

public sealed record PayPalConnectionInput(ProviderMode Mode, string ClientId, string ClientSecret, string? WebhookId);

public enum PayPalConnectionProblem { None, WrongCredentials, Refused, Unreachable }

/// <summary>What "Test connection" found: the REST app's id when PayPal handed out a token, else why not (PayPal's own words in Detail).</summary>
public sealed record PayPalConnectionCheck(PayPalConnectionProblem Problem, string? AppId, string? Detail)
{
    public bool Succeeded => Problem == PayPalConnectionProblem.None;
}

/// <summary>
/// Connects the current firm to its PayPal REST app: the client id (not secret, shown in full), the secret (encrypted,
/// shown by its hint) and the id PayPal gave the firm's webhook (kept in the webhook-secret columns: verifying a
/// delivery needs it). Only the owner connects, changes or disconnects it, as PayPal money then goes where that app
/// says. In sandbox mode the in-app emulator is told where to send this firm's webhooks.
/// </summary>
public sealed partial class PayPalConnector(
    ProviderConnections connections, IDbContextFactory<PortalDbContext> dbFactory, PayPalClients clients, ProviderSecrets secrets,
    InAppSandbox.InAppSandbox sandbox, TenantContext tenant, IServiceProvider services, TimeProvider clock, ILogger<PayPalConnector> logger)
{
    public static PayPalEnvironment EnvironmentOf(ProviderMode mode) => mode switch
    {
        ProviderMode.Sandbox => PayPalEnvironment.PortalSandbox,
        ProviderMode.Test => PayPalEnvironment.Sandbox,
        ProviderMode.Live => PayPalEnvironment.Live,
    };

    public async Task ConnectAsync(PayPalConnectionInput input, CancellationToken cancellationToken = default)
    {
        EnsureOwner();
        var clientId = input.ClientId.Trim();
        var secret = input.ClientSecret.Trim();
        var webhookId = input.WebhookId?.Trim() ?? "";
        if (clientId.Length == 0)
            throw new DomainException("The PayPal client id is required.");
        if (secret.Length == 0)
            throw new DomainException("The PayPal secret is required.");
        if (input.Mode == ProviderMode.Sandbox && !sandbox.Enabled)
            throw new DomainException("The sandbox is not enabled on this server: connect in test or live mode.");
        if (input.Mode == ProviderMode.Sandbox && webhookId.Length == 0)
            webhookId = "WH" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        if (webhookId.Length > 0 && !WebhookIdShape().IsMatch(webhookId))
            throw new DomainException("A PayPal webhook id has only letters and digits, as PayPal's developer dashboard shows it.");
        await connections.SaveAsync(PaymentProvider.PayPal, input.Mode, clientId, secret, webhookId, cancellationToken);
        if (input.Mode == ProviderMode.Sandbox)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var connection = await db.ProviderConnections.SingleAsync(c => c.Provider == PaymentProvider.PayPal, cancellationToken);
            RegisterSandboxWebhook(connection);
        }
    }

    /// <summary>Asks PayPal for an OAuth2 token with the stored client id and secret: the app on success, the reason otherwise.</summary>
    public async Task<PayPalConnectionCheck> TestAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = await db.ProviderConnections.SingleOrDefaultAsync(c => c.Provider == PaymentProvider.PayPal, cancellationToken)
            ?? throw new DomainException("PayPal is not connected.");
        try
        {
            var token = await ClientFor(connection).GetAccessTokenAsync(cancellationToken);
            var appId = token.AppId ?? connection.PublicKey!;
            connection.MarkVerified(appId, null, clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            return new PayPalConnectionCheck(PayPalConnectionProblem.None, appId, null);
        }
        catch (PayPalApiException refused) when (refused.IsAuthentication)
        {
            return new PayPalConnectionCheck(PayPalConnectionProblem.WrongCredentials, null, refused.ApiMessage);
        }
        catch (PayPalApiException refused)
        {
            return new PayPalConnectionCheck(PayPalConnectionProblem.Refused, null, refused.DebugId is null ? refused.ApiMessage : $"{refused.ApiMessage} (debug_id {refused.DebugId})");
        }
        catch (Exception unreachable) when (unreachable is HttpRequestException or TaskCanceledException { InnerException: TimeoutException } or System.Text.Json.JsonException)
        {
            return new PayPalConnectionCheck(PayPalConnectionProblem.Unreachable, null, unreachable.Message);
        }
    }

    public Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        EnsureOwner();
        return connections.DisconnectAsync(PaymentProvider.PayPal, cancellationToken);
    }

    /// <summary>The current firm's PayPal client.</summary>
    public async Task<PayPalClient> ClientAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = await db.ProviderConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Provider == PaymentProvider.PayPal, cancellationToken)
            ?? throw new DomainException("PayPal is not available: it is not connected.");
        return ClientFor(connection);
    }

    /// <summary>The webhook id PayPal must confirm a delivery was sent to; empty when the owner has not given one.</summary>
    public string WebhookIdOf(ProviderConnection connection) =>
        connection.WebhookSecretProtected.Length == 0 ? "" : secrets.Unprotect(PaymentProvider.PayPal, connection.WebhookSecretProtected);

    public PayPalClient ClientFor(ProviderConnection connection) =>
        clients.For(EnvironmentOf(connection.Mode), connection.PublicKey ?? "", secrets.Unprotect(PaymentProvider.PayPal, connection.ApiSecretProtected));

    /// <summary>PayPal delivers a firm's events to the URL of its connection, registered in PayPal's developer dashboard.</summary>
    public static string WebhookPath(Guid connectionId) => $"webhooks/paypal/{connectionId}";

    internal void RegisterSandboxWebhook(ProviderConnection connection)
    {
        var url = new Uri(sandbox.SelfBaseUrl, WebhookPath(connection.Id)).ToString();
        services.GetRequiredService<PayPalSandboxSetup>().SetWebhook(
            connection.PublicKey ?? "", secrets.Unprotect(PaymentProvider.PayPal, connection.ApiSecretProtected), url, WebhookIdOf(connection));
        logger.LogInformation("Registered the sandbox PayPal webhook for connection {ConnectionId} at {Url}", connection.Id, url);
    }

    private void EnsureOwner()
    {
        if (tenant.CurrentUser() is not { } user || !user.IsInRole(Roles.Owner))
            throw new DomainException("Only the firm's owner can connect, change or disconnect PayPal.");
    }

    [GeneratedRegex("^[A-Za-z0-9]{1,50}$")]
    private static partial Regex WebhookIdShape();
}

public static class PayPalPaymentsSetup
{
    public static IServiceCollection AddPayPalPayments(this IServiceCollection services)
    {
        services.AddPayPal().AddScoped<PayPalConnector>();
        services.AddScoped<Checkout.PayPalPayments>();
        services.AddScoped<Checkout.PayPalCheckoutStarter>();
        services.AddScoped<Checkout.PayPalRefunder>();
        services.AddScoped<Portal.Payments.IHostedCheckout, Checkout.PayPalHostedCheckout>();
        services.AddScoped<Portal.Webhooks.IWebhookHandler, Webhooks.CheckoutOrderApproved>();
        services.AddScoped<Portal.Webhooks.IWebhookHandler, Webhooks.PaymentCaptureCompleted>();
        services.AddScoped<Portal.Webhooks.IWebhookHandler, Webhooks.PaymentCapturePending>();
        services.AddScoped<Portal.Webhooks.IWebhookHandler, Webhooks.PaymentCaptureDenied>();
        services.AddScoped<Portal.Webhooks.IWebhookHandler, Webhooks.PaymentCaptureRefunded>();
        services.AddScoped<Portal.Webhooks.IWebhookHandler, Webhooks.PaymentCaptureReversed>();
        services.AddScoped<Portal.Webhooks.IWebhookHandler, Webhooks.CustomerDisputeCreated>();
        services.AddScoped<Portal.Webhooks.IWebhookHandler, Webhooks.CustomerDisputeResolved>();
        services.AddScoped<Webhooks.PayPalEventReconciliation>();
        services.AddHostedService<Portal.Webhooks.EventReconciliationService<Webhooks.PayPalEventReconciliation>>();
        return services;
    }
}
