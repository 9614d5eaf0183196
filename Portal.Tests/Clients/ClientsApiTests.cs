using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.ApiKeys;
using Portal.Tests.Fixture;

namespace Portal.Tests.Clients;

/// <summary>The contract of <c>/api/v1/clients</c>: shapes, cursor pages, field errors, tenancy and idempotent creation.</summary>
public sealed class ClientsApiTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(TestFirm Firm, HttpClient Http)> AFirmWithKeyAsync(ApiKeyScope scope = ApiKeyScope.ReadWrite)
    {
        var firm = await app.AFirmAsync();
        var key = await app.AnApiKeyAsync(firm, scope);
        return (firm, app.ApiClient(key.Secret));
    }

    [Fact]
    public async Task Creating_a_client_answers_201_with_its_location_and_the_same_client_is_read_back()
    {
        var (firm, http) = await AFirmWithKeyAsync();

        var created = await http.PostJsonAsync("/api/v1/clients",
            """{"name":"  Dupont Conseil ","billing_email":"Compta@Dupont.test","currency":"eur","company_number":"732 829 320"}""");

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await created.JsonAsync();
        var id = body.GetProperty("id").GetGuid();
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/clients/{id}");
        body.GetProperty("object").GetString().ShouldBe("client");
        body.GetProperty("name").GetString().ShouldBe("Dupont Conseil");
        body.GetProperty("billing_email").GetString().ShouldBe("compta@dupont.test");
        body.GetProperty("currency").GetString().ShouldBe("EUR");
        body.GetProperty("company_number").GetString().ShouldBe("732 829 320");
        DateTimeOffset.Parse(body.GetProperty("created_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBe(app.Clock.GetUtcNow(), TimeSpan.FromMinutes(1));

        var read = await (await http.GetAsync($"/api/v1/clients/{id}")).JsonAsync();
        read.GetProperty("name").GetString().ShouldBe("Dupont Conseil");
        await using var db = app.OpenDb(firm.Id);
        (await db.ClientAccounts.SingleAsync()).Id.ShouldBe(id);
    }

    [Fact]
    public async Task A_client_is_read_with_its_contacts()
    {
        var (firm, http) = await AFirmWithKeyAsync();
        var client = await app.AClientAsync(firm, name: "Contacted Ltd");

        var body = await (await http.GetAsync($"/api/v1/clients/{client.Id}")).JsonAsync();

        body.GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("email").GetString()).ShouldBe([client.Contact.Email]);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_until_has_more_is_false_with_every_client_once()
    {
        var (firm, http) = await AFirmWithKeyAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
            ids.Add((await app.AClientAsync(firm, name: $"Client {i}")).Id);

        var seen = new List<Guid>();
        string? after = null;
        var pages = 0;
        while (true)
        {
            var page = await (await http.GetAsync($"/api/v1/clients?limit=2{(after is null ? "" : $"&starting_after={after}")}")).JsonAsync();
            pages++;
            var data = page.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();
            data.Count.ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(data);
            if (!page.GetProperty("has_more").GetBoolean())
                break;
            after = data[^1].ToString();
        }

        pages.ShouldBe(3);
        seen.ShouldBe(ids, ignoreOrder: true);
        seen.Distinct().Count().ShouldBe(5);
    }

    [Fact]
    public async Task Invalid_fields_are_400_naming_each_field_and_create_nothing()
    {
        var (firm, http) = await AFirmWithKeyAsync();

        var response = await http.PostJsonAsync("/api/v1/clients", """{"name":"","billing_email":"not-an-email","currency":"XXX"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.JsonAsync();
        problem.GetProperty("code").GetString().ShouldBe("validation_failed");
        problem.GetProperty("status").GetInt32().ShouldBe(400);
        problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("field").GetString(), e.GetProperty("code").GetString()))
            .ShouldBe([("name", "required"), ("billing_email", "invalid_email"), ("currency", "unsupported_currency")]);
        var badLimit = await http.GetAsync("/api/v1/clients?limit=500");
        badLimit.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badLimit.JsonAsync()).GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("limit");
        var badJson = await http.PostJsonAsync("/api/v1/clients", """{"name": 12}""");
        badJson.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badJson.JsonAsync()).GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("name");
        await using var db = app.OpenDb(firm.Id);
        (await db.ClientAccounts.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Another_firms_client_is_404_as_an_unknown_one()
    {
        var (_, http) = await AFirmWithKeyAsync();
        var otherFirm = await app.AFirmAsync();
        var theirs = await app.AClientAsync(otherFirm);

        var foreign = await http.GetAsync($"/api/v1/clients/{theirs.Id}");
        var unknown = await http.GetAsync($"/api/v1/clients/{Guid.CreateVersion7()}");

        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await foreign.Content.ReadAsStringAsync()).Replace(theirs.Id.ToString(), "").ShouldNotContain(theirs.Name);
        (await foreign.ProblemCodeAsync()).ShouldBe(await unknown.ProblemCodeAsync());
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_replays_the_first_answer_and_a_different_body_is_409()
    {
        var (firm, http) = await AFirmWithKeyAsync();
        const string body = """{"name":"Once Only","billing_email":"once@only.test","currency":"EUR"}""";

        var first = await http.PostJsonAsync("/api/v1/clients", body, "retry-1");
        var retry = await http.PostJsonAsync("/api/v1/clients", body, "retry-1");
        var conflict = await http.PostJsonAsync("/api/v1/clients", body.Replace("Once Only", "Twice"), "retry-1");

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        retry.Headers.Location.ShouldBe(first.Headers.Location);
        (await retry.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        conflict.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await conflict.ProblemCodeAsync()).ShouldBe("idempotency_key_reused");
        await using (var db = app.OpenDb(firm.Id))
            (await db.ClientAccounts.Select(c => c.Name).ToListAsync()).ShouldBe(["Once Only"]);

        // After 24 hours the key is forgotten: the same request makes a new client.
        ((TestClock)app.Clock).Advance(TimeSpan.FromHours(24));
        var later = await http.PostJsonAsync("/api/v1/clients", body, "retry-1");
        later.StatusCode.ShouldBe(HttpStatusCode.Created);
        later.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
        await using (var db = app.OpenDb(firm.Id))
            (await db.ClientAccounts.CountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task A_post_without_an_idempotency_key_is_400_and_creates_nothing()
    {
        var (firm, http) = await AFirmWithKeyAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/clients")
        {
            Content = new StringContent("""{"name":"No Key","billing_email":"no@key.test","currency":"EUR"}""", System.Text.Encoding.UTF8, "application/json"),
        };

        var response = await http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.JsonAsync();
        problem.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("Idempotency-Key");
        await using var db = app.OpenDb(firm.Id);
        (await db.ClientAccounts.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Without_a_key_the_clients_endpoints_are_401_and_a_read_key_cannot_create_403()
    {
        var (firm, readOnly) = await AFirmWithKeyAsync(ApiKeyScope.Read);
        using var anonymous = app.ApiClient(null);

        (await anonymous.GetAsync("/api/v1/clients")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.PostJsonAsync("/api/v1/clients", "{}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var forbidden = await readOnly.PostJsonAsync("/api/v1/clients", """{"name":"Nope","billing_email":"n@ope.test","currency":"EUR"}""");
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await using var db = app.OpenDb(firm.Id);
        (await db.ClientAccounts.CountAsync()).ShouldBe(0);
        JsonDocument.Parse(await forbidden.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32().ShouldBe(403);
    }
}
