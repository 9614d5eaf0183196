using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Account;
using Portal.Tenancy;

namespace Portal.Documents;

public static class DocumentsSetup
{
    public static IServiceCollection AddDocuments(this IServiceCollection services)
    {
        services.AddScoped<InvoicePayUrl>();
        // The identity page lives with the firm's settings; registered here so it arrives with the documents that print it.
        services.AddScoped<Portal.Firms.FirmIdentitySettings>();
        services.AddScoped<IDocumentPdfs, DocumentPdfs>();
        services.AddSingleton<IInterceptor, IssuedInvoiceInputsInterceptor>();
        return services;
    }

    /// <summary>
    /// Downloads, staff and client side. Each reads through the signed-in person's tenant, so another firm's id, or
    /// another client's for a contact, is a 404 exactly like an unknown one.
    /// </summary>
    public static IEndpointRouteBuilder MapDocumentDownloads(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/staff").RequireAuthorization(Policies.Staff);
        staff.MapGet("/invoices/{id:guid}/pdf", (Guid id, IDocumentPdfs pdfs, HttpContext http) => DownloadAsync(DocumentKind.Invoice, id, pdfs, http));
        staff.MapGet("/credit-notes/{id:guid}/pdf", (Guid id, IDocumentPdfs pdfs, HttpContext http) => DownloadAsync(DocumentKind.CreditNote, id, pdfs, http));
        staff.MapGet("/payments/{id:guid}/receipt", (Guid id, IDocumentPdfs pdfs, HttpContext http) => DownloadAsync(DocumentKind.Receipt, id, pdfs, http));
        staff.MapGet("/deposit-invoices/{id:guid}/pdf", (Guid id, IDocumentPdfs pdfs, HttpContext http) => DownloadAsync(DocumentKind.DepositInvoice, id, pdfs, http));
        staff.MapGet("/clients/{id:guid}/statement.pdf", (Guid id, string? currency, string? from, string? to, IDocumentPdfs pdfs, HttpContext http) =>
            StatementAsync(id, currency, from, to, pdfs, http));

        var portal = app.MapGroup("/portal").RequireAuthorization(Policies.Client);
        portal.MapGet("/invoices/{id:guid}/pdf", (Guid id, IDocumentPdfs pdfs, HttpContext http) => DownloadAsync(DocumentKind.Invoice, id, pdfs, http));
        portal.MapGet("/credit-notes/{id:guid}/pdf", (Guid id, IDocumentPdfs pdfs, HttpContext http) => DownloadAsync(DocumentKind.CreditNote, id, pdfs, http));
        portal.MapGet("/payments/{id:guid}/receipt", (Guid id, IDocumentPdfs pdfs, HttpContext http) => DownloadAsync(DocumentKind.Receipt, id, pdfs, http));
        portal.MapGet("/deposit-invoices/{id:guid}/pdf", (Guid id, IDocumentPdfs pdfs, HttpContext http) => DownloadAsync(DocumentKind.DepositInvoice, id, pdfs, http));
        // A contact's own account only: the id comes from who signed in, never from the request.
        portal.MapGet("/statement.pdf", (string? currency, string? from, string? to, TenantContext tenant, IDocumentPdfs pdfs, HttpContext http) =>
            tenant.ClientAccountId is { } clientId ? StatementAsync(clientId, currency, from, to, pdfs, http) : Task.FromResult(Results.NotFound()));
        return app;
    }

    /// <summary>
    /// The statement over <c>from</c>..<c>to</c> (ISO dates, both days included) in <c>currency</c>. A bad range or
    /// currency is a 400 that says which; the page's links always send all three.
    /// </summary>
    private static async Task<IResult> StatementAsync(Guid clientId, string? currency, string? from, string? to, IDocumentPdfs pdfs, HttpContext http)
    {
        if (StatementRequest.Parse(clientId, $"{currency?.ToUpperInvariant()} {from} {to}") is not { } request)
            return Results.Problem("A statement needs a currency (EUR, GBP, USD…) and a range: from and to as YYYY-MM-DD, from on or before to.",
                statusCode: StatusCodes.Status400BadRequest);
        var pdf = await pdfs.RenderStatementAsync(request, CultureInfo.CurrentCulture, http.RequestAborted);
        if (pdf is null)
            return Results.NotFound();
        http.Response.Headers.CacheControl = "no-store";
        return Results.File(pdf.Content, "application/pdf", pdf.FileName);
    }

    private static async Task<IResult> DownloadAsync(DocumentKind kind, Guid id, IDocumentPdfs pdfs, HttpContext http)
    {
        var pdf = await pdfs.RenderAsync(kind, id, CultureInfo.CurrentCulture, http.RequestAborted);
        if (pdf is null)
            return Results.NotFound();
        // Amounts due change: a cached copy would show yesterday's figure, and a shared cache must never hold one.
        http.Response.Headers.CacheControl = "no-store";
        return Results.File(pdf.Content, "application/pdf", pdf.FileName);
    }
}
