using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Account;
using Portal.EInvoicing.Platform;

namespace Portal.EInvoicing;

public static class EInvoicingSetup
{
    public static IServiceCollection AddEInvoicing(this IServiceCollection services)
    {
        services.AddScoped<FacturXDocuments>();
        services.AddOptions<PlatformOptions>().BindConfiguration(PlatformOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PlatformTokens>();
        services.AddSingleton<PlatformClients>();
        services.AddScoped<PlatformConnections>();
        services.AddSingleton<EInvoicingSignal>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, EInvoicingSubmissionInterceptor>();
        services.AddHostedService<EInvoicingDispatcher>();
        // Retries live in PlatformClient, which knows which failures are worth another attempt.
        services.AddHttpClient(PlatformClients.HttpClientName)
            .ConfigureHttpClient((provider, http) => http.Timeout = provider.GetRequiredService<IOptions<PlatformOptions>>().Value.Timeout);
        return services;
    }

    /// <summary>
    /// The Factur-X XML alone, for staff. Read through the signed-in firm's tenant, so another firm's id is a 404
    /// exactly like an unknown one; a draft has no XML.
    /// </summary>
    public static IEndpointRouteBuilder MapEInvoicing(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/staff").RequireAuthorization(Policies.Staff);
        staff.MapGet("/invoices/{id:guid}/factur-x.xml", async (Guid id, FacturXDocuments documents, HttpContext http) =>
            Xml(await documents.InvoiceXmlAsync(id, http.RequestAborted), http));
        staff.MapGet("/credit-notes/{id:guid}/factur-x.xml", async (Guid id, FacturXDocuments documents, HttpContext http) =>
            Xml(await documents.CreditNoteXmlAsync(id, http.RequestAborted), http));
        return app;
    }

    private static IResult Xml(FacturXXml? xml, HttpContext http)
    {
        if (xml is null)
            return Results.NotFound();
        // The amounts paid and due are as of now: no cache may keep yesterday's.
        http.Response.Headers.CacheControl = "no-store";
        return Results.File(xml.Content, "text/xml", xml.FileName);
    }
}
