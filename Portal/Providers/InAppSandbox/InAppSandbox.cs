using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Portal.Demo;
using Portal.GoCardless;
using Portal.Sandbox;

namespace Portal.Providers.InAppSandbox;

/// <summary>
/// The provider emulators (Portal.Sandbox) mounted inside the app itself, so `dotnet run` needs no keys and no
/// network, and the hosted checkout pages are served from the portal's own origin. Connections in
/// <see cref="Integrations.ProviderMode.Sandbox"/> call it through the same Stripe.net adapter as production;
/// only the API base differs.
/// </summary>
public sealed class InAppSandbox(bool enabled, IConfiguration configuration, IServer server)
{
    public bool Enabled { get; } = enabled;

    /// <summary>
    /// Where this app listens, as the emulator and its webhooks reach it: <c>Sandbox:BaseUrl</c>, or else the first
    /// address Kestrel bound (wildcard hosts become localhost, since the calls never leave the machine).
    /// </summary>
    public Uri SelfBaseUrl
    {
        get
        {
            if (configuration["Sandbox:BaseUrl"] is { Length: > 0 } configured)
                return new Uri(configured.TrimEnd('/') + "/");
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("The app is not listening yet, so the sandbox address is unknown.");
            var builder = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
            if (builder.Host is "0.0.0.0" or "[::]" or "::")
                builder.Host = "localhost";
            builder.Path = "/";
            return builder.Uri;
        }
    }

    public string StripeApiBase => new Uri(SelfBaseUrl, "sandbox/stripe").ToString();

    public Uri GoCardlessApiBase => new(SelfBaseUrl, "sandbox/gocardless/");

    public Uri PayPalApiBase => new(SelfBaseUrl, "sandbox/paypal/");

    /// <summary>The approved e-invoicing platform's Flow Service, as a firm's platform connection names it.</summary>
    public Uri PlatformApiBase => new(SelfBaseUrl, "sandbox/platform/flow-service/");

    public Uri StripeWebhookUrl(string firmKey) => new(SelfBaseUrl, $"webhooks/stripe/{firmKey}");
}

public static class InAppSandboxSetup
{
    /// <summary>
    /// <c>Providers:Mode</c> = <c>Sandbox</c> or <c>Live</c> when set; else <c>Sandbox:Enabled</c>; else on in
    /// Development (the `dotnet run` demo) and off elsewhere, so a production deployment never mounts the emulator
    /// by accident. Switched on in Production, it is refused unless the deployment says it is a public demo
    /// (<see cref="DemoOptions.PublicDemoSetting"/>): the emulator takes no real money, and clients paying through
    /// it would believe they had paid.
    /// </summary>
    public static bool SandboxEnabled(this WebApplicationBuilder builder)
    {
        var enabled = builder.Configuration["Providers:Mode"] is { Length: > 0 } mode
            ? string.Equals(mode, "Sandbox", StringComparison.OrdinalIgnoreCase)
            : builder.Configuration.GetValue<bool?>("Sandbox:Enabled") ?? builder.Environment.IsDevelopment();
        if (enabled && builder.Environment.IsProduction() && !builder.Configuration.GetValue<bool>(DemoOptions.PublicDemoSetting))
            throw new InvalidOperationException(
                "The provider sandbox is switched on (Providers:Mode=Sandbox or Sandbox:Enabled=true) in the Production environment. " +
                "It takes no real payments, so real clients must never reach it: switch it off and connect Stripe and GoCardless, " +
                $"or set {DemoOptions.PublicDemoSetting}=true if this deployment is a public demo.");
        return enabled;
    }

    public static WebApplicationBuilder AddInAppSandbox(this WebApplicationBuilder builder)
    {
        var enabled = builder.SandboxEnabled();
        builder.Services.AddSingleton(sp => new InAppSandbox(enabled, sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IServer>()));
        if (!enabled)
            return builder;
        // The ticker settles delayed payments by itself, as a bank would: right for a demo, noise for tests.
        var ticker = builder.Configuration.GetValue<bool?>("Sandbox:Ticker") ?? builder.Environment.IsDevelopment();
        builder.Services.AddPortalSandbox(options => options.DemoTicker = ticker);
        builder.Services.AddHostedService<SandboxWebhookRegistration>();
        // GoCardless:PortalSandboxUrl points at the emulator mounted here unless configured: its address is known
        // only once Kestrel listens, which is before the first GoCardless call reads the options.
        builder.Services.AddOptions<GoCardlessOptions>().PostConfigure<InAppSandbox>((options, sandbox) =>
            options.PortalSandboxUrl ??= sandbox.GoCardlessApiBase);
        builder.Services.AddOptions<PayPal.Api.PayPalOptions>().PostConfigure<InAppSandbox>((options, sandbox) =>
            options.PortalSandboxUrl ??= sandbox.PayPalApiBase);
        return builder;
    }

    public static WebApplication MapInAppSandbox(this WebApplication app)
    {
        if (app.Services.GetRequiredService<InAppSandbox>().Enabled)
            app.MapPortalSandbox();
        return app;
    }
}
