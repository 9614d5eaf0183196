using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Account;

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

        var portal = app.MapGroup("/portal").RequireAuthorization(Policies.Client);
        portal.MapGet("/invoices/{id:guid}/pdf", (Guid id, IDocumentPdfs pdfs, HttpContext http) => DownloadAsync(DocumentKind.Invoice, id, pdfs, http));
        portal.MapGet("/credit-notes/{id:guid}/pdf", (Guid id, IDocumentPdfs pdfs, HttpContext http) => DownloadAsync(DocumentKind.CreditNote, id, pdfs, http));
        portal.MapGet("/payments/{id:guid}/receipt", (Guid id, IDocumentPdfs pdfs, HttpContext http) => DownloadAsync(DocumentKind.Receipt, id, pdfs, http));
        return app;
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
