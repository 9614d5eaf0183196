using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Fixture;

namespace Portal.Tests.Clients;

/// <summary><c>POST /api/v1/clients/{id}</c>: only the fields sent change, If-Match guards against lost updates, rules refuse and change nothing.</summary>
public sealed class ClientsApiUpdateTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(TestFirm Firm, HttpClient Http)> AFirmWithKeyAsync()
    {
        var firm = await app.AFirmAsync();
        var key = await app.AnApiKeyAsync(firm);
        return (firm, app.ApiClient(key.Secret));
    }

    [Fact]
    public async Task Changing_a_client_changes_only_the_fields_sent_and_honours_if_match()
    {
        var (firm, http) = await AFirmWithKeyAsync();
        var client = await app.AClientAsync(firm, name: "Old Name Ltd");
        var before = await http.GetAsync($"/api/v1/clients/{client.Id}");
        var tag = before.Headers.ETag!.Tag;
        var billingEmail = (await before.JsonAsync()).GetProperty("billing_email").GetString();

        var changed = await http.PostJsonAsync($"/api/v1/clients/{client.Id}", """{"name":"  New Name Ltd ","company_number":"732 829 320"}""");

        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await changed.JsonAsync();
        body.GetProperty("name").GetString().ShouldBe("New Name Ltd");
        body.GetProperty("company_number").GetString().ShouldBe("732 829 320");
        body.GetProperty("billing_email").GetString().ShouldBe(billingEmail);
        changed.Headers.ETag!.Tag.ShouldNotBe(tag);

        // The tag read before that change is stale: 412, and nothing changes.
        using var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/clients/{client.Id}") { Content = new StringContent("""{"name":"Lost Update"}""", Encoding.UTF8, "application/json") };
        stale.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        stale.Headers.TryAddWithoutValidation("If-Match", tag);
        (await http.SendAsync(stale)).StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);

        // An empty company number removes it.
        var cleared = await (await http.PostJsonAsync($"/api/v1/clients/{client.Id}", """{"company_number":""}""")).JsonAsync();
        cleared.GetProperty("company_number").ValueKind.ShouldBe(JsonValueKind.Null);
        await using var db = app.OpenDb(firm.Id);
        var stored = await db.ClientAccounts.SingleAsync(c => c.Id == client.Id);
        (stored.Name, stored.CompanyNumber).ShouldBe(("New Name Ltd", (string?)null));
    }

    [Fact]
    public async Task A_change_that_breaks_a_rule_is_refused_and_changes_nothing()
    {
        var (firm, http) = await AFirmWithKeyAsync();
        var client = await app.AClientAsync(firm, name: "Invoiced Ltd");
        await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var theirs = await app.AClientAsync(await app.AFirmAsync(), name: "Not Yours Ltd");
        var otherCurrency = client.Currency.Code == "GBP" ? "EUR" : "GBP";

        var badFields = await http.PostJsonAsync($"/api/v1/clients/{client.Id}", """{"billing_email":"not an email","name":""}""");
        var newCurrency = await http.PostJsonAsync($"/api/v1/clients/{client.Id}", $$"""{"currency":"{{otherCurrency}}"}""");
        var foreign = await http.PostJsonAsync($"/api/v1/clients/{theirs.Id}", """{"name":"Taken Over"}""");

        badFields.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badFields.JsonAsync()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).Order().ShouldBe(["billing_email", "name"]);
        newCurrency.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await using var db = app.OpenDb();
        var ours = await db.ClientAccounts.IgnoreQueryFilters().SingleAsync(c => c.Id == client.Id);
        (ours.Name, ours.Currency).ShouldBe(("Invoiced Ltd", client.Currency));
        (await db.ClientAccounts.IgnoreQueryFilters().SingleAsync(c => c.Id == theirs.Id)).Name.ShouldBe("Not Yours Ltd");
    }
}
