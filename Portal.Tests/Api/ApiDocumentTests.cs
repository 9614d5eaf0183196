using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Portal.Tests.Fixture;

namespace Portal.Tests.Api;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c> and its reference at <c>/api/docs</c>: every endpoint the app maps
/// under <c>/api/v1</c> is described, with the errors it answers and the JSON as it really is.
/// </summary>
public sealed partial class ApiDocumentTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<OpenApiDocument> ReadDocumentAsync(TestFirm firm)
    {
        using var staff = await app.SignInAsync(firm.Staff);
        using var response = await staff.GetAsync("/openapi/v1.json");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var json = await response.Content.ReadAsStringAsync();
        var read = OpenApiDocument.Parse(json, OpenApiConstants.Json, new OpenApiReaderSettings());
        read.Diagnostic.ShouldNotBeNull();
        read.Diagnostic.Errors.ShouldBeEmpty(string.Join("; ", read.Diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        read.Diagnostic.SpecificationVersion.ShouldBeOneOf(OpenApiSpecVersion.OpenApi3_0, OpenApiSpecVersion.OpenApi3_1);
        return read.Document.ShouldNotBeNull();
    }

    /// <summary>Every (method, path) the running app maps under /api/v1, in the document's path syntax (no route constraints).</summary>
    private IReadOnlyList<(HttpMethod Method, string Path)> MappedApiRoutes() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && ("/" + raw.TrimStart('/')).StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m =>
                (new HttpMethod(m), RouteConstraint().Replace("/" + e.RoutePattern.RawText!.TrimStart('/').TrimEnd('/'), "{$1}"))))
            .ToList();

    [Fact]
    public async Task The_document_describes_every_api_endpoint_with_a_summary_its_errors_and_nothing_else()
    {
        var firm = await app.AFirmAsync();

        var document = await ReadDocumentAsync(firm);

        var mapped = MappedApiRoutes();
        mapped.Count.ShouldBeGreaterThanOrEqualTo(12, "clients, invoices, payments and wallets map at least a dozen endpoints");
        foreach (var (method, path) in mapped)
        {
            document.Paths.Keys.ShouldContain(path);
            var operations = document.Paths[path].Operations.ShouldNotBeNull();
            operations.Keys.ShouldContain(method, $"{method} {path} is not in the document");
            var operation = operations[method];
            operation.Summary.ShouldNotBeNullOrWhiteSpace($"{method} {path} has no summary");
            operation.Description.ShouldNotBeNullOrWhiteSpace($"{method} {path} has no description");
            operation.Tags.ShouldNotBeNull().ShouldNotBeEmpty($"{method} {path} has no tag");
            var errors = operation.Responses.ShouldNotBeNull().Where(r => r.Key.StartsWith('4')).ToList();
            errors.ShouldNotBeEmpty($"{method} {path} declares no 4xx answer");
            errors.Select(r => r.Key).ShouldContain("401");
            errors.Select(r => r.Key).ShouldContain("429");
            // Every endpoint needs a scope, and says which: a key made for other resources is answered 403.
            errors.Select(r => r.Key).ShouldContain("403");
            operation.Description.ShouldMatch(method == HttpMethod.Get ? "Needs the `[a-z]+:read` scope" : "Needs the `[a-z]+:write` scope", $"{method} {path}");
            foreach (var error in errors)
                error.Value.Content.ShouldNotBeNull().Keys.ShouldBe(["application/problem+json"], $"{method} {path} {error.Key}");
            operation.Responses.Keys.ShouldContain(k => k.StartsWith('2'), $"{method} {path} declares no success answer");
            if (method == HttpMethod.Post)
            {
                var key = operation.Parameters.ShouldNotBeNull().Where(p => p.Name == "Idempotency-Key").ShouldHaveSingleItem();
                (key.Name, key.In, key.Required).ShouldBe(("Idempotency-Key", ParameterLocation.Header, true));
                operation.Responses.Keys.ShouldContain("409");
                operation.Responses.Keys.ShouldContain("403");
            }
        }
        // Only the API is a contract: no page, account form, webhook or sandbox route leaks into it.
        document.Paths.Keys.ShouldAllBe(p => p.StartsWith("/api/v1/"));
        document.Paths.Sum(p => p.Value.Operations!.Count).ShouldBe(mapped.Count);
        var schemes = document.Components.ShouldNotBeNull().SecuritySchemes.ShouldNotBeNull();
        schemes.Keys.ShouldContain("bearer");
        var bearer = schemes["bearer"];
        (bearer.Type, bearer.Scheme).ShouldBe((SecuritySchemeType.Http, "bearer"));
        document.Security.ShouldNotBeNull().ShouldHaveSingleItem().Keys.Single().Reference.Id.ShouldBe("bearer");
    }

    [Fact]
    public async Task The_invoice_schema_names_what_the_endpoint_really_returns()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 2, 120_00).IssuedAsync();
        var key = await app.AnApiKeyAsync(firm);
        using var http = app.ApiClient(key.Secret);
        var returned = await (await http.GetAsync($"/api/v1/invoices/{invoice.Id}")).JsonAsync();

        var document = await ReadDocumentAsync(firm);

        var schema = document.Paths["/api/v1/invoices/{id}"].Operations![HttpMethod.Get].Responses!["200"].Content!["application/json"].Schema.ShouldNotBeNull();
        Names(schema).ShouldBe(returned.EnumerateObject().Select(p => p.Name), ignoreOrder: true);
        Names(schema.Properties!["total"]).ShouldBe(["amount_minor", "currency"], ignoreOrder: true);
        NotNull(schema.Properties["total"]).Properties!["amount_minor"].Type.ShouldBe(JsonSchemaType.Integer);
        returned.GetProperty("total").GetProperty("amount_minor").ValueKind.ShouldBe(JsonValueKind.Number);
        var line = schema.Properties["lines"].Items.ShouldNotBeNull();
        Names(line).ShouldBe(returned.GetProperty("lines")[0].EnumerateObject().Select(p => p.Name), ignoreOrder: true);
        schema.Properties["status"].Enum.ShouldNotBeNull().Select(v => v.GetValue<string>()).ShouldContain(returned.GetProperty("status").GetString());
        schema.Properties["status"].Enum!.Select(v => v.GetValue<string>()).ShouldContain("partially_paid");
        schema.Properties["issue_date"].Format.ShouldBe("date");
        schema.Properties["created_at"].Format.ShouldBe("date-time");
        returned.GetProperty("created_at").GetDateTimeOffset().ShouldBe(app.Clock.GetUtcNow(), TimeSpan.FromDays(1));
    }

    [Fact]
    public async Task The_request_body_schemas_name_the_fields_the_api_reads()
    {
        var firm = await app.AFirmAsync();

        var document = await ReadDocumentAsync(firm);

        var body = document.Paths["/api/v1/payments"].Operations![HttpMethod.Post].RequestBody.ShouldNotBeNull().Content!["application/json"].Schema.ShouldNotBeNull();
        Names(body).ShouldBe(["client_id", "method", "amount", "reference", "allocations", "surplus_to_credit", "received_at"], ignoreOrder: true);
        Names(body.Properties!["amount"]).ShouldBe(["amount_minor", "currency"], ignoreOrder: true);
        NotNull(body.Properties["method"]).Enum.ShouldNotBeNull().Select(v => v.GetValue<string>()).ShouldContain("bank_transfer");
    }

    [Fact]
    public async Task The_document_says_which_answers_carry_an_etag_and_which_changes_honour_if_match()
    {
        var firm = await app.AFirmAsync();

        var document = await ReadDocumentAsync(firm);

        foreach (var path in new[] { "/api/v1/clients/{id}", "/api/v1/invoices/{id}" })
        {
            var read = document.Paths[path].Operations![HttpMethod.Get];
            read.Responses!["200"].Headers.ShouldNotBeNull().Keys.ShouldContain("ETag", path);
            read.Responses.Keys.ShouldContain("304", path);
            read.Parameters.ShouldNotBeNull().ShouldContain(p => p.Name == "If-None-Match" && p.In == ParameterLocation.Header && !p.Required, path);
        }
        document.Paths["/api/v1/invoices/{id}/issue"].Operations![HttpMethod.Post].Responses!.Keys.ShouldNotContain("304");
        foreach (var path in new[] { "/api/v1/invoices/{id}/issue", "/api/v1/invoices/{id}/void" })
        {
            var operation = document.Paths[path].Operations![HttpMethod.Post];
            operation.Parameters.ShouldNotBeNull().ShouldContain(p => p.Name == "If-Match" && p.In == ParameterLocation.Header && !p.Required, path);
            operation.Responses.ShouldNotBeNull().Keys.ShouldContain("412", path);
        }
        document.Paths["/api/v1/invoices"].Operations![HttpMethod.Post].Parameters.ShouldNotBeNull().ShouldNotContain(p => p.Name == "If-Match");
    }

    [Fact]
    public async Task The_reference_opens_for_signed_in_staff_under_a_policy_that_trusts_only_its_own_scripts()
    {
        var firm = await app.AFirmAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        using var typed = await staff.GetAsync("/api/docs");
        typed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var response = await staff.GetAsync(new Uri(new Uri(app.BaseUrl, "/api/docs"), typed.Headers.Location!).PathAndQuery);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl.ShouldNotBeNull().NoStore.ShouldBeTrue();
        var html = await response.Content.ReadAsStringAsync();
        var policy = response.Headers.GetValues("Content-Security-Policy").ShouldHaveSingleItem();
        var nonce = Nonce().Match(policy).Groups[1].Value;
        nonce.ShouldNotBeNullOrEmpty();
        policy.ShouldNotContain("unsafe-eval");
        policy.ShouldContain("frame-ancestors 'none'");
        Regex.Matches(html, "<script[^>]*>").ShouldAllBe(tag => tag.Value.Contains($"nonce=\"{nonce}\""));
        html.ShouldContain("openapi/v1.json");
        // A fresh nonce each time: a script injected into one page cannot reuse another page's.
        using var again = await staff.GetAsync("/api/docs/");
        again.Headers.GetValues("Content-Security-Policy").ShouldHaveSingleItem().ShouldNotBe(policy);
        // Every other page keeps the strict policy.
        using var home = await staff.GetAsync("/staff");
        home.Headers.GetValues("Content-Security-Policy").ShouldContain(p => p.Contains("script-src 'self';"));
        home.Headers.GetValues("Content-Security-Policy").ShouldNotContain(p => p.Contains("nonce-"));
    }

    [Fact]
    public async Task Outside_development_the_reference_and_document_need_a_staff_sign_in()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        using var anonymous = app.AnonymousSession();
        using var contact = await app.SignInAsync(client.Contact);

        foreach (var path in new[] { "/api/docs", "/openapi/v1.json" })
        {
            using var stranger = await anonymous.GetAsync(path);
            stranger.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            stranger.Headers.Location!.ToString().ShouldContain("/Account/Login");
            using var clientContact = await contact.GetAsync(path);
            clientContact.StatusCode.ShouldNotBe(HttpStatusCode.OK, path);
        }
    }

    private static IEnumerable<string> Names(IOpenApiSchema schema) => NotNull(schema).Properties.ShouldNotBeNull().Keys;

    /// <summary>A nullable object property is "one of null or the object": the object.</summary>
    private static IOpenApiSchema NotNull(IOpenApiSchema schema) =>
        schema.OneOf is { Count: > 0 } choices ? choices.Single(c => c.Type != JsonSchemaType.Null) : schema;

    [GeneratedRegex(@"\{([a-z_]+):[a-z]+\}")]
    private static partial Regex RouteConstraint();

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex Nonce();
}
