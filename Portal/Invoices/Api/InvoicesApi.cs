using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Portal.Api;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.ApiKeys;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Firms;

namespace Portal.Invoices.Api;

public sealed record ApiInvoiceLine(string Description, decimal Quantity, ApiMoney UnitPrice, int TaxRateBasisPoints, ApiMoney Net, ApiMoney Tax);

public sealed record ApiInvoice(
    Guid Id, string? Number, Guid ClientId, InvoiceStatus Status, string Currency, DateOnly IssueDate, DateOnly DueDate,
    string? Reference, string? Notes, ApiMoney Subtotal, ApiMoney Tax, ApiMoney Total, ApiMoney AmountPaid, ApiMoney AmountDue,
    DateTimeOffset CreatedAt, DateTimeOffset? IssuedAt, DateTimeOffset? VoidedAt, string? VoidReason, IReadOnlyList<ApiInvoiceLine> Lines)
{
    public string Object => "invoice";

    /// <summary>The period the invoice bills, both days included (a subscription's invoice); null for none.</summary>
    public DateOnly? PeriodStart { get; init; }
    public DateOnly? PeriodEnd { get; init; }

    public static ApiInvoice From(Invoice invoice) => new(invoice.Id, invoice.Number, invoice.ClientAccountId, invoice.Status, invoice.Currency.Code,
        invoice.IssueDate, invoice.DueDate, invoice.Reference, invoice.Notes, ApiMoney.From(invoice.Subtotal), ApiMoney.From(invoice.Tax),
        ApiMoney.From(invoice.Total), ApiMoney.From(invoice.Paid), ApiMoney.From(invoice.AmountDue), invoice.CreatedAt, invoice.IssuedAt,
        invoice.VoidedAt, invoice.VoidReason,
        invoice.Lines.OrderBy(l => l.Position).Select(l => new ApiInvoiceLine(l.Description, l.Quantity, new ApiMoney(l.UnitPriceMinor, invoice.Currency.Code),
            l.TaxRateBasisPoints, new ApiMoney(l.NetMinor, invoice.Currency.Code), new ApiMoney(l.TaxMinor, invoice.Currency.Code))).ToList())
    {
        PeriodStart = invoice.PeriodStart,
        PeriodEnd = invoice.PeriodEnd,
    };
}

// Parameters with a default may be left out of the JSON; the OpenAPI document marks the others required.
public sealed record ApiInvoiceLineCreate(string? Description, decimal? Quantity, long? UnitPriceMinor, int? TaxRateBasisPoints = null);

public sealed record ApiInvoiceCreate(Guid? ClientId, DateOnly? DueDate, IReadOnlyList<ApiInvoiceLineCreate>? Lines, DateOnly? IssueDate = null, string? Reference = null, string? Notes = null);

public sealed record ApiInvoiceVoid(string? Reason);

/// <summary>
/// <c>/api/v1/invoices</c>: list and read through the tenant filters; drafts, issuing and voiding through
/// <see cref="Invoicing"/>, so numbering, ledger postings, credit notes and the audit log are the pages' own.
/// </summary>
public static class InvoicesApi
{
    public static void MapInvoicesApi(this RouteGroupBuilder api)
    {
        var invoices = api.MapGroup("/invoices").WithTags("Invoices").ForResource(ApiResources.Invoices);
        invoices.MapGet("", ListAsync).WithName("ListInvoices")
            .WithSummary("List invoices, oldest first, filtered by status, client and issue date, a page at a time.")
            .WithDescription("The firm's invoices with their lines and what is paid and due on each. Filter with `status`, `client_id`, `issued_from` and `issued_to` (YYYY-MM-DD, inclusive); page with `limit` and `starting_after`.")
            .Returns<ApiList<ApiInvoice>>().Fails(StatusCodes.Status400BadRequest);
        invoices.MapGet("/{id:guid}", GetAsync).WithName("GetInvoice").WithSummary("Get one invoice with its lines.")
            .WithDescription("One invoice: its number (null while a draft), status, dates, lines, totals, and the amounts paid and due today.")
            .Returns<ApiInvoice>().ReturnsETag().Fails(StatusCodes.Status404NotFound);
        invoices.MapPost("", CreateDraftAsync).WithName("CreateInvoiceDraft").WithSummary("Create a draft invoice with its lines.")
            .WithDescription("Creates a draft in the client's currency. Each line has a description, a quantity, a unit price in minor units and a tax rate in basis points (2000 is 20 %). The issue date defaults to today. A draft has no number and is not owed until issued.")
            .Reads<ApiInvoiceCreate>().Returns<ApiInvoice>(StatusCodes.Status201Created).Writes("Invoice");
        invoices.MapPost("/{id:guid}/issue", IssueAsync).WithName("IssueInvoice")
            .WithSummary("Issue a draft: it takes the firm's next number and is booked.")
            .WithDescription("Gives the draft the firm's next gapless number and books it: from now on it is owed and can be paid. The body is empty. Issuing an invoice that is not a draft is 422.")
            .Returns<ApiInvoice>().ReturnsETag().HonoursIfMatch().Fails(StatusCodes.Status404NotFound).Writes("Invoice");
        invoices.MapPost("/{id:guid}/void", VoidAsync).WithName("VoidInvoice")
            .WithSummary("Void an issued invoice with nothing paid on it; a credit note cancels it.")
            .WithDescription("Voids an issued invoice on which nothing is paid or in flight; a credit note carrying the `reason` cancels it in the books. Otherwise 422.")
            .Reads<ApiInvoiceVoid>().Returns<ApiInvoice>().ReturnsETag().HonoursIfMatch().Fails(StatusCodes.Status404NotFound).Writes("Invoice");
    }

    private static async Task<IResult> ListAsync(
        string? limit, [FromQuery(Name = "starting_after")] string? startingAfter, string? status, [FromQuery(Name = "client_id")] string? clientId,
        [FromQuery(Name = "issued_from")] string? issuedFrom, [FromQuery(Name = "issued_to")] string? issuedTo,
        IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        var (page, problem) = ApiPage.Read(limit, startingAfter);
        var errors = new List<ApiFieldError>();
        InvoiceStatus? wantedStatus = null;
        if (status is not null)
        {
            var named = Enum.GetValues<InvoiceStatus>().Where(s => ApiEnum.Name(s) == status).ToList();
            if (named.Count == 1)
                wantedStatus = named[0];
            else
                errors.Add(new("status", "invalid_status", $"status must be one of {string.Join(", ", Enum.GetValues<InvoiceStatus>().Select(ApiEnum.Name))}."));
        }
        Guid? client = null;
        if (clientId is not null)
        {
            if (Guid.TryParse(clientId, out var id))
                client = id;
            else
                errors.Add(new("client_id", "invalid_id", "client_id must be a client's id."));
        }
        var from = ReadDate(issuedFrom, "issued_from", errors);
        var to = ReadDate(issuedTo, "issued_to", errors);
        if (page is null)
            return problem!;
        if (errors.Count > 0)
            return ApiProblems.Validation([.. errors]);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Invoices.AsNoTracking().AsQueryable();
        if (wantedStatus is { } s)
            query = query.Where(i => i.Status == s);
        if (client is { } c)
            query = query.Where(i => i.ClientAccountId == c);
        if (from is { } f)
            query = query.Where(i => i.IssueDate >= f);
        if (to is { } t)
            query = query.Where(i => i.IssueDate <= t);
        if (page.StartingAfter is { } after)
            query = query.Where(i => i.Id.CompareTo(after) > 0);
        var rows = await query.OrderBy(i => i.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return ApiJson.Ok(page.ToList(rows.Select(ApiInvoice.From).ToList()));
    }

    private static async Task<IResult> GetAsync(Guid id, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
        return invoice is null ? ApiProblems.NotFound("invoice") : ApiETags.Ok(ApiInvoice.From(invoice));
    }

    private static async Task<IResult> CreateDraftAsync(HttpRequest request, Invoicing invoicing, IDbContextFactory<PortalDbContext> dbFactory,
        FirmCalendar calendar, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiInvoiceCreate>(request, cancellationToken);
        if (body is null)
            return problem!;
        var errors = new List<ApiFieldError>();
        if (body.ClientId is null)
            errors.Add(new("client_id", "required", "A draft needs the id of its client."));
        if (body.DueDate is null)
            errors.Add(new("due_date", "required", "A draft needs a due date (YYYY-MM-DD)."));
        var issueDate = body.IssueDate ?? await calendar.TodayAsync(cancellationToken);
        if (body.DueDate is { } due && due < issueDate)
            errors.Add(new("due_date", "before_issue_date", "The due date cannot be before the issue date."));
        if (body.Lines is not { Count: > 0 })
            errors.Add(new("lines", "required", "A draft needs at least one line."));
        for (var i = 0; i < (body.Lines?.Count ?? 0); i++)
        {
            var line = body.Lines![i];
            if (string.IsNullOrWhiteSpace(line.Description))
                errors.Add(new($"lines[{i}].description", "required", "Each line needs a description."));
            if (line.Quantity is not > 0)
                errors.Add(new($"lines[{i}].quantity", "out_of_range", "The quantity must be more than zero."));
            if (line.UnitPriceMinor is not >= 0)
                errors.Add(new($"lines[{i}].unit_price_minor", "out_of_range", "The unit price, in minor units, must be zero or more."));
            if (line.TaxRateBasisPoints is { } rate && rate is < 0 or > 10_000)
                errors.Add(new($"lines[{i}].tax_rate_basis_points", "out_of_range", "The tax rate is in basis points, from 0 to 10000 (2000 is 20%)."));
        }
        if (errors.Count > 0)
            return ApiProblems.Validation([.. errors]);

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // The invoice is in its client's currency, as the pages make it.
            var currencies = await db.ClientAccounts.Where(c => c.Id == body.ClientId).Select(c => c.Currency).ToListAsync(cancellationToken);
            if (currencies.Count == 0)
                return ApiProblems.Validation(new ApiFieldError("client_id", "not_found", "No such client."));
            var draft = new InvoiceDraft(body.ClientId!.Value, currencies[0].Code, issueDate, body.DueDate!.Value, body.Reference, body.Notes, PaymentMethods.All,
                body.Lines!.Select(l => new InvoiceLineInput(l.Description!.Trim(), l.Quantity!.Value, l.UnitPriceMinor!.Value, l.TaxRateBasisPoints ?? 0)).ToList());
            var id = await invoicing.CreateDraftAsync(draft, cancellationToken);
            return ApiJson.Created($"{ApiSetup.BasePath}/invoices/{id}", await ReadAsync(dbFactory, id, cancellationToken));
        }
    }

    private static async Task<IResult> IssueAsync(Guid id, HttpRequest request, Invoicing invoicing, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (await PreconditionAsync(request, dbFactory, id, cancellationToken) is { } failed)
            return failed;
        await invoicing.IssueAsync(id, cancellationToken);
        return ApiETags.Ok(await ReadAsync(dbFactory, id, cancellationToken));
    }

    private static async Task<IResult> VoidAsync(Guid id, HttpRequest request, Invoicing invoicing, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiInvoiceVoid>(request, cancellationToken);
        if (body is null)
            return problem!;
        if (string.IsNullOrWhiteSpace(body.Reason))
            return ApiProblems.Validation(new ApiFieldError("reason", "required", "Say why the invoice is voided; the credit note shows it."));
        if (await PreconditionAsync(request, dbFactory, id, cancellationToken) is { } failed)
            return failed;
        await invoicing.VoidAsync(id, body.Reason.Trim(), cancellationToken);
        return ApiETags.Ok(await ReadAsync(dbFactory, id, cancellationToken));
    }

    /// <summary>
    /// <c>If-Match</c> against the invoice as a GET shows it now. The check and the change are two steps: a change
    /// landing between them is still held by the invoice's own rules (a second issue or void is refused) and by its
    /// row version.
    /// </summary>
    private static async Task<IResult?> PreconditionAsync(HttpRequest request, IDbContextFactory<PortalDbContext> dbFactory, Guid id, CancellationToken cancellationToken)
    {
        if (request.Headers.IfMatch.Count == 0)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
        return invoice is null ? ApiProblems.NotFound("invoice") : ApiETags.Precondition(request, ApiInvoice.From(invoice));
    }

    private static async Task<ApiInvoice> ReadAsync(IDbContextFactory<PortalDbContext> dbFactory, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return ApiInvoice.From(await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == id, cancellationToken));
    }

    private static DateOnly? ReadDate(string? value, string field, List<ApiFieldError> errors)
    {
        if (value is null)
            return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
            return date;
        errors.Add(new(field, "invalid_date", $"{field} must be a date as YYYY-MM-DD."));
        return null;
    }
}
