using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Portal.Data;
using Portal.Tenancy;
using StackExchange.Redis;

namespace Portal.Operations;

/// <summary>
/// What running Portal in production needs around the app: health endpoints for the orchestrator, HTTPS-only
/// cookies and HSTS, forwarded headers from a TLS proxy, logs scoped by firm, and metrics and traces through
/// OpenTelemetry when an OTLP endpoint is configured.
/// </summary>
public static class OperationsSetup
{
    private const string Ready = "ready";

    public static WebApplicationBuilder AddPortalOperations(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton<PortalMetrics>();

        var checks = services.AddHealthChecks().AddCheck<MigrationsHealthCheck>("migrations", tags: [Ready]);
        if (configuration["Database:Provider"] is { } provider && provider.Equals(nameof(DatabaseProvider.Postgres), StringComparison.OrdinalIgnoreCase))
            checks.AddNpgSql(configuration.GetConnectionString("Portal")!, name: "database", tags: [Ready], timeout: TimeSpan.FromSeconds(5));
        else
            checks.AddDbContextCheck<PortalDbContext>("database", tags: [Ready]);
        if (configuration["Redis:Connection"] is { Length: > 0 })
            checks.AddRedis(sp => sp.GetRequiredService<IConnectionMultiplexer>(), name: "redis", tags: [Ready], timeout: TimeSpan.FromSeconds(5));

        // Kestrel need not tell who it is.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        if (HttpsOnly(builder))
        {
            services.AddHsts(hsts =>
            {
                hsts.MaxAge = TimeSpan.FromDays(365);
                hsts.IncludeSubDomains = true;
            });
            services.Configure<CookiePolicyOptions>(cookies => cookies.Secure = CookieSecurePolicy.Always);
        }
        // Behind a TLS proxy the app sees plain HTTP from the proxy: take the client's scheme and address from the
        // proxy's X-Forwarded-* headers, trusting only the proxies or networks named in configuration.
        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            foreach (var proxy in configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
                forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            foreach (var network in configuration.GetSection("ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [])
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });

        if (configuration["OpenTelemetry:OtlpEndpoint"] is { Length: > 0 } endpoint)
        {
            services.AddOpenTelemetry()
                .ConfigureResource(resource => resource.AddService("Portal"))
                .WithMetrics(metrics => metrics
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddMeter(PortalMetrics.MeterName))
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql())
                .UseOtlpExporter(
                    configuration["OpenTelemetry:OtlpProtocol"] is "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf,
                    new Uri(endpoint));
        }
        return builder;
    }

    /// <summary>Forwarded headers first (so HTTPS and the client's address are known), then HSTS and secure cookies.</summary>
    public static WebApplication UsePortalOperations(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (HttpsOnly(app))
            app.UseHsts();
        app.UseCookiePolicy();
        return app;
    }

    /// <summary>
    /// <c>/health/live</c>: the process answers (restart it if not). <c>/health/ready</c>: the database answers, its
    /// migrations are applied and Redis answers when configured (send it traffic only then). <c>/health</c> is the
    /// readiness answer under its older name.
    /// </summary>
    public static WebApplication MapPortalHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        var ready = new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) };
        app.MapHealthChecks("/health/ready", ready);
        app.MapHealthChecks("/health", ready);
        return app;
    }

    /// <summary>Logs written while a request runs carry its firm (the route's for webhooks, the signed-in user's otherwise).</summary>
    public static WebApplication UseFirmLogScope(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            var firm = http.GetRouteValue("firmKey") as string ?? http.User.FindFirst(PortalClaims.FirmKey)?.Value;
            if (firm is null)
            {
                await next(http);
                return;
            }
            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Portal");
            using (logger.BeginScope(new Dictionary<string, object> { ["FirmKey"] = firm }))
                await next(http);
        });
        return app;
    }

    // HTTPS-only unless in Development or the test host, or turned off for a plain-HTTP loopback run (the bench).
    private static bool HttpsOnly(WebApplicationBuilder builder) => HttpsOnly(builder.Configuration, builder.Environment);

    private static bool HttpsOnly(WebApplication app) => HttpsOnly(app.Configuration, app.Environment);

    private static bool HttpsOnly(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetValue("Hosting:HttpsOnly", !environment.IsDevelopment() && !environment.IsEnvironment("Testing"));
}
