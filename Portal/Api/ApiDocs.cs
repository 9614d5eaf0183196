using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Portal.Account;
using Scalar.AspNetCore;

namespace Portal.Api;

/// <summary>
/// The API's OpenAPI document, generated from the <c>/api/v1</c> endpoints' own metadata (summary, description, tag,
/// <see cref="ApiDocsMetadata.Returns{T}"/> and <see cref="ApiDocsMetadata.Fails"/>), and Scalar's reference pages that read
/// it. Who may read them: decision 0023.
/// </summary>
public static class ApiDocs
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string DocsPath = "/api/docs";
    public const string BearerScheme = "bearer";

    public static IServiceCollection AddPortalApiDocs(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            // The document describes the integration API only: pages, account forms, provider webhooks and the sandbox are not a contract.
            options.ShouldInclude = description => description.RelativePath is { } path && path.StartsWith(ApiSetup.BasePath[1..] + "/", StringComparison.Ordinal);
            options.AddDocumentTransformer(DescribeDocument);
            options.AddOperationTransformer(DescribeOperation);
            options.AddSchemaTransformer(SpeakApiJson);
        });

    public static WebApplication MapPortalApiDocs(this WebApplication app)
    {
        var document = app.MapOpenApi(DocumentPath);
        var reference = app.MapScalarApiReference(DocsPath, options => options
            .WithTitle("Portal API")
            .WithOpenApiRoutePattern(DocumentPath)
            // A fresh nonce per response lets Scalar's two script tags run under a CSP without 'unsafe-inline' (see RelaxContentSecurityPolicy).
            .WithNonce()
            // Its default fonts, telemetry, AI agent, MCP and "share" tools talk to Scalar's servers: the API's
            // description (and a key typed into the page) stays on this origin, which is all the CSP lets it reach.
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools()
            .AddPreferredSecuritySchemes([BearerScheme]));
        if (!app.Environment.IsDevelopment())
        {
            document.RequireAuthorization(Policies.Staff);
            reference.RequireAuthorization(Policies.Staff);
        }
        return app;
    }

    /// <summary>
    /// Scalar's page runs its own script: an inline start-up script and its bundle, both tagged with the response's nonce.
    /// Only that nonce is added to the app's policy, on this path only; everything else (no eval, no other origin,
    /// no framing) stays as strict as on every page.
    /// </summary>
    public static void RelaxContentSecurityPolicy(HttpContext http) => http.Response.OnStarting(() =>
    {
        if (http.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce)
            http.Response.Headers.ContentSecurityPolicy =
                $"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'nonce-{nonce}'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";
        return Task.CompletedTask;
    });

    private static readonly Dictionary<string, string> ErrorMeanings = new()
    {
        ["400"] = "The request is not valid: `errors` names each invalid field (snake_case) with a stable `code`. Nothing was changed.",
        ["401"] = "No API key, or one that is unknown, revoked or expired. Send `Authorization: Bearer pk_…`.",
        ["403"] = "The API key does not have the scope this endpoint needs (see the operation's description): a key reaches only the resources it was made for, and writes only if it is a read-and-write key.",
        ["404"] = "No such resource in this key's firm (another firm's ids are never found).",
        ["409"] = "The `Idempotency-Key` was already used with a different request, or that request is still running. Nothing was changed.",
        ["412"] = "`If-Match` does not match the resource's current `ETag`: someone changed it since you read it. Nothing was changed; read it again.",
        ["422"] = "The request is well formed but breaks a business rule (for example voiding an invoice with money on it). Nothing was changed.",
        ["429"] = "This key made too many requests this minute; `Retry-After` says how many seconds to wait.",
    };

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Portal API",
            Version = DocumentName,
            Description = """
                The REST API of Portal for integrations: clients, invoices, payments and wallets of the firm an API key belongs to.

                - **Authentication**: `Authorization: Bearer pk_…` with a key an owner creates under *API keys*.
                - **Scopes**: a key reaches the resources it was made for (clients, invoices, payments, wallets), read only or read and write. Each operation says the scope it needs, such as `invoices:read` or `invoices:write`; without it the answer is 403 `insufficient_scope`.
                - **JSON** in snake_case. Money is `{ "amount_minor": 1234, "currency": "EUR" }` (minor units, never decimals); times are RFC 3339, dates `YYYY-MM-DD`.
                - **Lists** are cursor pages: `limit` (1 to 100, 20 by default) and `starting_after` (the last id of the previous page); `has_more` says whether another page follows.
                - **Idempotency**: every POST needs an `Idempotency-Key` header. A retry with the same key and body gets the first answer again (with `Idempotent-Replayed: true`) for 24 hours; the same key with another request is 409.
                - **Errors** are RFC 9457 problem details (`application/problem+json`) with a stable `code` and, for invalid input, the `errors` per field.
                - **Rate limit**: a number of requests per key per minute; beyond it, 429 with `Retry-After`.
                """,
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "pk_…",
            Description = "An API key of the firm, as shown once when an owner created it.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
        // Once every schema is built: the generator may type a property after the schema transformers have run.
        foreach (var schema in document.Components.Schemas?.Values ?? [])
            NumbersAsNumbers(schema);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The web defaults read "12" as 12, so the generator types every number as "number or numeric string" with a
    /// pattern; the API always writes numbers as numbers, and a client should send them so.
    /// </summary>
    private static void NumbersAsNumbers(IOpenApiSchema schema)
    {
        if (schema is not OpenApiSchema concrete)
            return;
        if (concrete.Type is { } types && (types & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (types & JsonSchemaType.String) != 0)
        {
            concrete.Type = types & ~JsonSchemaType.String;
            concrete.Pattern = null;
        }
        foreach (var property in concrete.Properties?.Values ?? [])
            NumbersAsNumbers(property);
        if (concrete.Items is { } items)
            NumbersAsNumbers(items);
    }

    private static Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (string.Equals(context.Description.HttpMethod, HttpMethods.Post, StringComparison.OrdinalIgnoreCase))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = ApiIdempotencyFilter.Header,
                In = ParameterLocation.Header,
                Required = true,
                Description = "A key of your choice (a UUID is a good one) naming this request: a retry with the same key and body replays the first answer for 24 hours.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = ApiIdempotencyRecord.MaxKeyLength },
            });
        }
        // The handlers read query strings as text to answer a bad value with a 400 naming it; the document says what they accept.
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query))
            if (parameter.Name is { } name && QueryParameters.TryGetValue(name, out var known))
                (parameter.Description, parameter.Schema) = (known.Description, known.Schema());

        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (ApiScopes.NeededBy(metadata) is { } scope)
        {
            var needs = $"Needs the `{scope}` scope.";
            operation.Description = string.IsNullOrEmpty(operation.Description) ? needs : operation.Description + "\n\n" + needs;
        }
        if (metadata.OfType<ApiHonoursIfMatch>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = ApiETags.IfMatchHeader,
                In = ParameterLocation.Header,
                Required = false,
                Description = "The `ETag` you read the resource with: if it changed since, the answer is 412 and nothing changes. Without it the change goes ahead.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
        if (metadata.OfType<ApiETagged>().Any() && context.Description.HttpMethod == HttpMethods.Get)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = ApiETags.IfNoneMatchHeader,
                In = ParameterLocation.Header,
                Required = false,
                Description = "The `ETag` you hold: if the resource still has it, the answer is 304 with no body.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            operation.Responses ??= [];
            var notModified = new OpenApiResponse { Description = "Not modified: the resource still has the ETag sent in `If-None-Match`. No body." };
            AddHeader(notModified, ApiETags.ETagHeader, "The current tag, the one you sent.");
            operation.Responses["304"] = notModified;
        }
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse concrete)
                continue;
            if (ErrorMeanings.TryGetValue(status, out var meaning))
                concrete.Description = meaning;
            if (status == "200" && metadata.OfType<ApiETagged>().Any())
                AddHeader(concrete, ApiETags.ETagHeader, "A strong tag of this representation; send it back as `If-Match` to change the resource only if nobody else did.");
            if (status == "429")
                AddHeader(concrete, "Retry-After", "Seconds to wait before the next request.");
        }
        return Task.CompletedTask;
    }

    private static void AddHeader(OpenApiResponse response, string name, string description)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
    }

    private static readonly Dictionary<string, (string Description, Func<OpenApiSchema> Schema)> QueryParameters = new()
    {
        ["limit"] = ($"How many objects a page holds, 1 to {ApiPage.MaxLimit} ({ApiPage.DefaultLimit} by default).",
            () => new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = ApiPage.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), Default = JsonValue.Create(ApiPage.DefaultLimit) }),
        ["starting_after"] = ("The id of the last object of the previous page; leave it out for the first page.",
            () => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" }),
        ["client_id"] = ("Only this client's.", () => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" }),
        ["status"] = ("Only those in this status, written as the `status` field writes it.", () => new OpenApiSchema { Type = JsonSchemaType.String }),
        ["issued_from"] = ("Only those issued on or after this day (YYYY-MM-DD).", () => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" }),
        ["issued_to"] = ("Only those issued on or before this day (YYYY-MM-DD).", () => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" }),
    };

    /// <summary>
    /// The generator names properties and enums with the app's default JSON options; the API writes them with
    /// <see cref="ApiJson.Options"/> (snake_case, enums as snake_case strings). This makes the schemas say what goes on the wire.
    /// </summary>
    private static Task SpeakApiJson(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var typeInfo = context.JsonTypeInfo;
        if (typeInfo.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 } properties)
        {
            var wireNames = typeInfo.Properties.ToDictionary(p => p.Name, p => ApiJson.Options.PropertyNamingPolicy!.ConvertName((p.AttributeProvider as MemberInfo)?.Name ?? p.Name));
            schema.Properties = properties.ToDictionary(p => wireNames.GetValueOrDefault(p.Key, p.Key), p => p.Value);
            if (schema.Required is { Count: > 0 } required)
                schema.Required = required.Select(r => wireNames.GetValueOrDefault(r, r)).ToHashSet();
            DescribeObjectKind(schema, typeInfo);
        }
        NumbersAsNumbers(schema);
        var enumType = Nullable.GetUnderlyingType(typeInfo.Type) ?? typeInfo.Type;
        if (enumType.IsEnum)
        {
            var nullable = Nullable.GetUnderlyingType(typeInfo.Type) is not null;
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            schema.Format = null;
            schema.Enum = Enum.GetNames(enumType).Select(n => (JsonNode)JsonValue.Create(JsonNamingPolicy.SnakeCaseLower.ConvertName(n))).ToList();
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Each answer's <c>object</c> field ("invoice", "list"…) is a constant of its type, not a free string: the schema
    /// says which, so a client can branch on it. The value is read from the type's own getter.
    /// </summary>
    private static void DescribeObjectKind(OpenApiSchema schema, JsonTypeInfo typeInfo)
    {
        var kind = typeInfo.Properties.FirstOrDefault(p => (p.AttributeProvider as PropertyInfo) is { Name: "Object", CanWrite: false } && p.PropertyType == typeof(string));
        if (kind?.Get is null || typeInfo.Type.IsAbstract || schema.Properties is null || !schema.Properties.ContainsKey("object"))
            return;
        if (kind.Get(System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeInfo.Type)) is not string value)
            return;
        schema.Properties["object"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create(value)] };
        schema.Required ??= new HashSet<string>();
        schema.Required.Add("object");
    }
}

/// <summary>What an <c>/api/v1</c> endpoint answers, declared next to its mapping so the OpenAPI document cannot drift from it.</summary>
public static class ApiDocsMetadata
{
    /// <summary>The success answer: <typeparamref name="T"/> as JSON.</summary>
    public static RouteHandlerBuilder Returns<T>(this RouteHandlerBuilder endpoint, int status = StatusCodes.Status200OK) =>
        endpoint.Produces<T>(status, "application/json");

    /// <summary>The error answers this endpoint itself can give (the group adds 401 and 429, <see cref="ApiSetup.Writes"/> adds the writes' own).</summary>
    public static TBuilder Fails<TBuilder>(this TBuilder endpoint, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
            endpoint.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ApiProblem), [ApiProblems.ContentType]));
        return endpoint;
    }

    /// <summary>The JSON body a POST reads.</summary>
    public static RouteHandlerBuilder Reads<T>(this RouteHandlerBuilder endpoint) where T : notnull =>
        endpoint.Accepts<T>("application/json");
}
