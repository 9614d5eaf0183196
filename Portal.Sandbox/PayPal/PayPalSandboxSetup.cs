namespace Portal.Sandbox.PayPal;

/// <summary>What the hosting app may set up in the PayPal emulator outside PayPal's own API.</summary>
public sealed class PayPalSandboxSetup
{
    private readonly SandboxOptions _options;

    internal PayPalSandboxSetup(SandboxOptions options) => _options = options;

    /// <summary>
    /// Points an app's webhook at <paramref name="url"/> under <paramref name="webhookId"/>, as a firm does in PayPal's
    /// developer dashboard. A "sandbox_…" client id keeps the secret it first came with; another id is added with
    /// <paramref name="clientSecret"/>.
    /// </summary>
    public void SetWebhook(string clientId, string clientSecret, string url, string webhookId)
    {
        lock (_options.PayPal.Accounts)
        {
            var existing = _options.PayPal.Accounts.LastOrDefault(a => a.ClientId == clientId);
            _options.PayPal.Accounts.RemoveAll(a => a.ClientId == clientId);
            if (existing is not null || !clientId.StartsWith("sandbox_", StringComparison.Ordinal))
            {
                _options.PayPal.Accounts.Add(new PayPalSandboxAccount(clientId, existing?.ClientSecret ?? clientSecret, url, webhookId));
                return;
            }

            // A sandbox_ app is bound to its first secret by the emulator itself, not by this registration.
            _options.PayPal.Accounts.Add(new PayPalSandboxAccount(clientId, clientSecret, url, webhookId));
        }
    }
}
