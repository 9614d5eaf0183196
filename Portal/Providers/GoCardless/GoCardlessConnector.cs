using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.GoCardless;
using Portal.Integrations;
using Portal.Sandbox;

namespace Portal.Providers.GoCardless;

public sealed record GoCardlessConnectionInput(ProviderMode Mode, string AccessToken, string? WebhookSecret);

/// <summary>
/// Connects the current firm to GoCardless (access token and webhook endpoint secret, both encrypted), checks the token
/// by reading the creditor, hands out the firm's client, and disconnects. In sandbox mode the in-app emulator is told
/// where to send this firm's webhooks, since GoCardless has no API to register an endpoint.
/// </summary>
public sealed class GoCardlessConnector(
    ProviderConnections connections, IDbContextFactory<PortalDbContext> dbFactory, GoCardlessClients clients, GoCardlessConnectionCheck check,
    ProviderSecrets secrets, InAppSandbox.InAppSandbox sandbox, IServiceProvider services, Audit.AuditRecorder audit, TimeProvider clock, ILogger<GoCardlessConnector> logger)
{
    public static GoCardlessEnvironment EnvironmentOf(ProviderMode mode) => mode switch
    {
        ProviderMode.Sandbox => GoCardlessEnvironment.PortalSandbox,
        ProviderMode.Test => GoCardlessEnvironment.Sandbox,
        ProviderMode.Live => GoCardlessEnvironment.Live,
    };

    public async Task ConnectAsync(GoCardlessConnectionInput input, CancellationToken cancellationToken = default)
    {
        var token = input.AccessToken.Trim();
        if (token.Length == 0)
            throw new DomainException("The access token is required.");
        if (input.Mode == ProviderMode.Sandbox && !sandbox.Enabled)
            throw new DomainException("The sandbox is not enabled on this server: connect in test or live mode.");
        try
        {
            // Refuses a live token for a sandbox and the other way round before anything is stored.
            clients.For(EnvironmentOf(input.Mode), token);
        }
        catch (ArgumentException wrongEnvironment)
        {
            throw new DomainException(wrongEnvironment.Message);
        }
        var webhookSecret = input.WebhookSecret?.Trim() ?? "";
        if (input.Mode == ProviderMode.Sandbox && webhookSecret.Length == 0)
            webhookSecret = "gc_sandbox_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await connections.SaveAsync(PaymentProvider.GoCardless, input.Mode, null, token, webhookSecret, cancellationToken);
        if (input.Mode == ProviderMode.Sandbox)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var connection = await db.ProviderConnections.SingleAsync(c => c.Provider == PaymentProvider.GoCardless, cancellationToken);
            await RegisterSandboxWebhookAsync(db, connection, cancellationToken);
        }
    }

    /// <summary>
    /// Reads the creditor with the stored token: its name on success, GoCardless's reason otherwise. A firm that has not
    /// stated its SEPA creditor identifier takes the one GoCardless collects its debits under (printed on Factur-X
    /// invoices paid by direct debit, BT-90); one the firm stated stays.
    /// </summary>
    public async Task<GoCardlessConnectionCheckResult> TestAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = await db.ProviderConnections.SingleOrDefaultAsync(c => c.Provider == PaymentProvider.GoCardless, cancellationToken)
            ?? throw new DomainException("GoCardless is not connected.");
        var result = await check.CheckAsync(EnvironmentOf(connection.Mode), secrets.Unprotect(PaymentProvider.GoCardless, connection.ApiSecretProtected), cancellationToken);
        if (result.IsWorking)
        {
            connection.MarkVerified(result.CreditorId!, result.CreditorName, clock.GetUtcNow());
            var firm = await db.Firms.SingleAsync(cancellationToken);
            if (firm.AdoptSepaCreditorId(result.SepaCreditorId))
                audit.Record(db, "SEPA creditor identifier taken from GoCardless", "Firm", firm.Id, null, firm.SepaCreditorId);
            await db.SaveChangesAsync(cancellationToken);
        }
        return result;
    }

    public Task DisconnectAsync(CancellationToken cancellationToken = default) =>
        connections.DisconnectAsync(PaymentProvider.GoCardless, cancellationToken);

    /// <summary>The current firm's GoCardless client.</summary>
    public async Task<GoCardlessClient> ClientAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = await db.ProviderConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Provider == PaymentProvider.GoCardless, cancellationToken)
            ?? throw new DomainException("Direct debit is not available: GoCardless is not connected.");
        return clients.For(EnvironmentOf(connection.Mode), secrets.Unprotect(PaymentProvider.GoCardless, connection.ApiSecretProtected));
    }

    public async Task<bool> IsConnectedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ProviderConnections.AnyAsync(c => c.Provider == PaymentProvider.GoCardless, cancellationToken);
    }

    internal async Task RegisterSandboxWebhookAsync(PortalDbContext db, ProviderConnection connection, CancellationToken cancellationToken)
    {
        var firmKey = await db.Firms.IgnoreQueryFilters().Where(f => f.Id == connection.FirmId).Select(f => f.Key).SingleAsync(cancellationToken);
        var url = new Uri(sandbox.SelfBaseUrl, $"webhooks/gocardless/{firmKey}").ToString();
        var token = secrets.Unprotect(PaymentProvider.GoCardless, connection.ApiSecretProtected);
        var secret = secrets.Unprotect(PaymentProvider.GoCardless, connection.WebhookSecretProtected);
        // The emulator reads its creditors' webhook endpoints from its options when a token is first used.
        var options = services.GetRequiredService<SandboxOptions>();
        lock (options.GoCardless.Accounts)
        {
            options.GoCardless.Accounts.RemoveAll(a => a.AccessToken == token);
            options.GoCardless.Accounts.Add(new GoCardlessSandboxAccount(token, url, secret));
        }
        logger.LogInformation("Registered the sandbox GoCardless webhook for firm {FirmKey} at {Url}", firmKey, url);
    }
}
