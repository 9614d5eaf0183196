using Microsoft.EntityFrameworkCore;
using Portal.Api;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.ApiKeys;
using Portal.Domain.Clients;

namespace Portal.Clients.Api;

public sealed record ApiContact(Guid Id, string Name, string Email);

public sealed record ApiClient(Guid Id, string Name, string BillingEmail, string Currency, string? CompanyNumber, DateTimeOffset CreatedAt, IReadOnlyList<ApiContact> Contacts)
{
    public string Object => "client";

    public static ApiClient From(ClientAccount client) => new(client.Id, client.Name, client.BillingEmail, client.Currency.Code, client.CompanyNumber,
        client.CreatedAt, client.Contacts.OrderBy(c => c.Email, StringComparer.Ordinal).Select(c => new ApiContact(c.Id, c.Name, c.Email)).ToList());
}

/// <summary>A new client; parameters with a default may be left out of the JSON (the OpenAPI document marks the others required).</summary>
public sealed record ApiClientCreate(string? Name, string? BillingEmail, string? Currency, string? CompanyNumber = null);

/// <summary>A change to a client: only the fields sent change; an empty <c>company_number</c> removes it.</summary>
public sealed record ApiClientUpdate(string? Name = null, string? BillingEmail = null, string? Currency = null, string? CompanyNumber = null);

/// <summary><c>/api/v1/clients</c>: the firm's client accounts, read through the tenant filters and created by <see cref="ClientDirectory"/>, as on the pages.</summary>
public static class ClientsApi
{
    public static void MapClientsApi(this RouteGroupBuilder api)
    {
        var clients = api.MapGroup("/clients").WithTags("Clients").ForResource(ApiResources.Clients);
        clients.MapGet("", ListAsync).WithName("ListClients").WithSummary("List clients, oldest first, a page at a time.")
            .WithDescription("The firm's client accounts with their contacts (the people who sign in to the portal), oldest first. Page with `limit` and `starting_after`.")
            .Returns<ApiList<ApiClient>>().Fails(StatusCodes.Status400BadRequest);
        clients.MapGet("/{id:guid}", GetAsync).WithName("GetClient").WithSummary("Get one client with its contacts.")
            .WithDescription("One client account of the firm, with its billing email, currency and contacts.")
            .Returns<ApiClient>().ReturnsETag().Fails(StatusCodes.Status404NotFound);
        clients.MapPost("", CreateAsync).WithName("CreateClient").WithSummary("Create a client account.")
            .WithDescription("Creates a client account with a name, a billing email and the currency its invoices are in (ISO 4217). Answers 201 with the client and its `Location`.")
            .Reads<ApiClientCreate>().Returns<ApiClient>(StatusCodes.Status201Created).Writes("Client");
        // A POST to the client, as the other changes here are: it carries an Idempotency-Key and is audited like them.
        clients.MapPost("/{id:guid}", UpdateAsync).WithName("UpdateClient").WithSummary("Change a client's name, billing email, currency or company number.")
            .WithDescription("Changes only the fields sent; an empty `company_number` removes it. The currency of a client with invoices cannot change (422). Send `If-Match` with the ETag you read to change it only if nobody else did.")
            .Reads<ApiClientUpdate>().Returns<ApiClient>().ReturnsETag().HonoursIfMatch().Fails(StatusCodes.Status404NotFound).Writes("Client");
    }

    private static async Task<IResult> ListAsync(string? limit, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "starting_after")] string? startingAfter, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        var (page, problem) = ApiPage.Read(limit, startingAfter);
        if (page is null)
            return problem!;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.ClientAccounts.AsNoTracking().Include(c => c.Contacts).AsQueryable();
        if (page.StartingAfter is { } after)
            query = query.Where(c => c.Id.CompareTo(after) > 0);
        // Ids are time-ordered (UUID v7), so the id alone is a stable cursor.
        var rows = await query.OrderBy(c => c.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return ApiJson.Ok(page.ToList(rows.Select(ApiClient.From).ToList()));
    }

    private static async Task<IResult> GetAsync(Guid id, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.ClientAccounts.AsNoTracking().Include(c => c.Contacts).SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        return client is null ? ApiProblems.NotFound("client") : ApiETags.Ok(ApiClient.From(client));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ClientDirectory directory, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiClientCreate>(request, cancellationToken);
        if (body is null)
            return problem!;
        var errors = Validate(body);
        if (errors.Count > 0)
            return ApiProblems.Validation([.. errors]);
        var client = await directory.CreateAsync(new ClientInput(body.Name!, body.BillingEmail!, body.Currency!.ToUpperInvariant(), body.CompanyNumber), cancellationToken);
        return ApiJson.Created($"{ApiSetup.BasePath}/clients/{client.Id}", ApiClient.From(client));
    }

    private static async Task<IResult> UpdateAsync(Guid id, HttpRequest request, ClientDirectory directory, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiClientUpdate>(request, cancellationToken);
        if (body is null)
            return problem!;
        var errors = Validate(body.Name, body.BillingEmail, body.Currency, required: false);
        if (errors.Count > 0)
            return ApiProblems.Validation([.. errors]);
        ClientAccount? client;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            client = await db.ClientAccounts.AsNoTracking().Include(c => c.Contacts).SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (client is null)
            return ApiProblems.NotFound("client");
        // The check and the change are two steps; a change landing between them is last-writer-wins, as on the page.
        if (ApiETags.Precondition(request, ApiClient.From(client)) is { } failed)
            return failed;
        var companyNumber = body.CompanyNumber is null ? client.CompanyNumber : body.CompanyNumber.Trim() is { Length: > 0 } number ? number : null;
        await directory.UpdateAsync(id, new ClientInput(body.Name ?? client.Name, body.BillingEmail ?? client.BillingEmail,
            body.Currency?.ToUpperInvariant() ?? client.Currency.Code, companyNumber), cancellationToken);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            return ApiETags.Ok(ApiClient.From(await db.ClientAccounts.AsNoTracking().Include(c => c.Contacts).SingleAsync(c => c.Id == id, cancellationToken)));
    }

    private static List<ApiFieldError> Validate(ApiClientCreate body) => Validate(body.Name, body.BillingEmail, body.Currency, required: true);

    /// <summary>The fields' rules; on a change (<paramref name="required"/> false) a field left out is not checked.</summary>
    private static List<ApiFieldError> Validate(string? name, string? billingEmail, string? currency, bool required)
    {
        var errors = new List<ApiFieldError>();
        if (name is not null || required)
        {
            if (string.IsNullOrWhiteSpace(name))
                errors.Add(new("name", "required", "A client needs a name."));
            else if (name.Trim().Length > 200)
                errors.Add(new("name", "too_long", "A client name has at most 200 characters."));
        }
        if (billingEmail is not null || required)
        {
            if (string.IsNullOrWhiteSpace(billingEmail))
                errors.Add(new("billing_email", "required", "A client needs a billing email."));
            else
            {
                try
                {
                    EmailAddress.Normalize(billingEmail);
                }
                catch (DomainException ex)
                {
                    errors.Add(new("billing_email", "invalid_email", ex.Message));
                }
            }
        }
        if (currency is not null || required)
        {
            if (string.IsNullOrWhiteSpace(currency))
                errors.Add(new("currency", "required", "A client needs a currency (ISO 4217, e.g. EUR)."));
            else if (!Currency.TryFromCode(currency.ToUpperInvariant(), out _))
                errors.Add(new("currency", "unsupported_currency", $"'{currency}' is not a currency Portal supports."));
        }
        return errors;
    }
}
