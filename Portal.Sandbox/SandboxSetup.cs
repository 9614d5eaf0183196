using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Sandbox.Common;
using Portal.Sandbox.GoCardless;
using Portal.Sandbox.PayPal;
using Portal.Sandbox.Platform;
using Portal.Sandbox.Stripe;

namespace Portal.Sandbox;

public static class SandboxSetup
{
    public static IServiceCollection AddPortalSandbox(this IServiceCollection services, Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WebhookQueue>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<FaultInjector>();
        services.AddHostedService<WebhookSender>();
        services.AddHostedService<SandboxTicker>();

        services.AddSingleton<StripeSandbox>();
        services.AddSingleton<ISandboxClockListener>(sp => sp.GetRequiredService<StripeSandbox>());
        services.AddSingleton(sp => new StripeSandboxSetup(sp.GetRequiredService<StripeSandbox>()));
        services.AddSingleton<StripeApi>();

        services.AddSingleton<GoCardlessSandbox>();
        services.AddSingleton<ISandboxClockListener>(sp => sp.GetRequiredService<GoCardlessSandbox>());
        services.AddSingleton<GoCardlessApi>();

        services.AddSingleton<PlatformSandbox>();

        services.AddSingleton<PayPalSandbox>();
        services.AddSingleton<ISandboxClockListener>(sp => sp.GetRequiredService<PayPalSandbox>());
        services.AddSingleton(sp => new PayPalSandboxSetup(sp.GetRequiredService<SandboxOptions>()));
        services.AddSingleton<PayPalApi>();
        return services;
    }

    public static IEndpointRouteBuilder MapPortalSandbox(this IEndpointRouteBuilder app)
    {
        // The app may require sign-in and antiforgery everywhere; providers' APIs and hosted pages have neither.
        app.MapGroup("/sandbox/stripe").AllowAnonymous().DisableAntiforgery().MapStripeSandbox();
        app.MapGroup("/sandbox/gocardless").AllowAnonymous().DisableAntiforgery().MapGoCardlessSandbox();
        app.MapGroup("/sandbox/platform").AllowAnonymous().DisableAntiforgery().MapPlatformSandbox();
        app.MapGroup("/sandbox/paypal").AllowAnonymous().DisableAntiforgery().MapPayPalSandbox();
        return app;
    }
}
