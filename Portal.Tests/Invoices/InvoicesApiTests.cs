using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.ApiKeys;
using Portal.Domain.Invoices;
using Portal.Tests.Fixture;

namespace Portal.Tests.Invoices;

/// <summary>The contract of <c>/api/v1/invoices</c>: drafts with lines, issue and void through the same rules as the pages.</summary>
public sealed class InvoicesApiTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(TestClient Client, HttpClient Http)> AClientWithKeyAsync(ApiKeyScope scope = ApiKeyScope.ReadWrite)
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm, name: "Martin SARL");
        var key = await app.AnApiKeyAsync(firm, scope);
        return (client, app.ApiClient(key.Secret));
    }

    private static long Minor(JsonElement invoice, string amount) => invoice.GetProperty(amount).GetProperty("amount_minor").GetInt64();

    private string DraftBody(TestClient client) =>
        $$"""{"client_id":"{{client.Id}}","due_date":"{{app.Today.AddDays(30):yyyy-MM-dd}}","reference":"PO-77","lines":[{"description":"Audit","quantity":2,"unit_price_minor":10000,"tax_rate_basis_points":2000},{"description":"Filing","quantity":1.5,"unit_price_minor":3333}]}""";

    [Fact]
    public async Task A_draft_made_through_the_api_is_issued_with_a_number_and_voided_with_a_credit_note()
    {
        var (client, http) = await AClientWithKeyAsync();

        var created = await http.PostJsonAsync("/api/v1/invoices", DraftBody(client));

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var draft = await created.JsonAsync();
        var id = draft.GetProperty("id").GetGuid();
        draft.GetProperty("status").GetString().ShouldBe("draft");
        draft.GetProperty("number").ValueKind.ShouldBe(JsonValueKind.Null);
        draft.GetProperty("issue_date").GetString().ShouldBe(app.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        draft.GetProperty("lines").GetArrayLength().ShouldBe(2);
        // 2 × 100.00 at 20 % + 1.5 × 33.33 (49.995 rounds half away from zero to 50.00) at 0 %.
        Minor(draft, "subtotal").ShouldBe(250_00);
        Minor(draft, "tax").ShouldBe(40_00);
        Minor(draft, "total").ShouldBe(290_00);
        draft.GetProperty("total").GetProperty("currency").GetString().ShouldBe("EUR");

        var issued = await http.PostJsonAsync($"/api/v1/invoices/{id}/issue", "");
        issued.StatusCode.ShouldBe(HttpStatusCode.OK);
        var open = await issued.JsonAsync();
        open.GetProperty("status").GetString().ShouldBe("open");
        open.GetProperty("number").GetString().ShouldNotBeNullOrEmpty();
        Minor(open, "amount_due").ShouldBe(290_00);

        var voided = await http.PostJsonAsync($"/api/v1/invoices/{id}/void", """{"reason":"Sent to the wrong client"}""");
        voided.StatusCode.ShouldBe(HttpStatusCode.OK);
        var gone = await voided.JsonAsync();
        gone.GetProperty("status").GetString().ShouldBe("void");
        Minor(gone, "amount_due").ShouldBe(0);
        await using var db = app.OpenDb(client.Firm.Id);
        (await db.CreditNotes.CountAsync(c => c.InvoiceId == id)).ShouldBe(1);
        (await db.AuditEntries.Where(e => e.SubjectId == id).Select(e => e.UserName).Distinct().ToListAsync()).ShouldBe(["API key Accounting sync"]);
    }

    [Fact]
    public async Task The_list_filters_by_status_client_and_issue_date()
    {
        var (client, http) = await AClientWithKeyAsync();
        var otherClient = await app.AClientAsync(client.Firm, name: "Other SAS");
        var old = await app.AnInvoice(client).WithLine("Old", 1, 10_00).IssuedDaysAgo(40).IssuedAsync();
        var recent = await app.AnInvoice(client).WithLine("Recent", 1, 20_00).IssuedAsync();
        var draft = await app.AnInvoice(client).WithLine("Draft", 1, 30_00).DraftAsync();
        var others = await app.AnInvoice(otherClient).WithLine("Other", 1, 40_00).IssuedAsync();

        async Task<List<Guid>> IdsAsync(string query) =>
            (await (await http.GetAsync($"/api/v1/invoices{query}")).JsonAsync()).GetProperty("data").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();

        (await IdsAsync("")).ShouldBe([old.Id, recent.Id, draft.Id, others.Id], ignoreOrder: true);
        (await IdsAsync("?status=draft")).ShouldBe([draft.Id]);
        (await IdsAsync($"?status=open&client_id={client.Id}")).ShouldBe([old.Id, recent.Id], ignoreOrder: true);
        (await IdsAsync($"?status=open&issued_from={app.Today.AddDays(-7):yyyy-MM-dd}")).ShouldBe([recent.Id, others.Id], ignoreOrder: true);
        (await IdsAsync($"?issued_to={app.Today.AddDays(-30):yyyy-MM-dd}")).ShouldBe([old.Id]);

        var bad = await http.GetAsync("/api/v1/invoices?status=paidish&issued_from=05/12/2026");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.JsonAsync()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldBe(["status", "issued_from"]);
    }

    [Fact]
    public async Task A_draft_with_invalid_lines_is_400_naming_each_field_and_nothing_is_made()
    {
        var (client, http) = await AClientWithKeyAsync();

        var response = await http.PostJsonAsync("/api/v1/invoices",
            $$"""{"client_id":"{{client.Id}}","lines":[{"description":" ","quantity":0,"unit_price_minor":-5,"tax_rate_basis_points":20000}]}""");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.JsonAsync()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString())
            .ShouldBe(["due_date", "lines[0].description", "lines[0].quantity", "lines[0].unit_price_minor", "lines[0].tax_rate_basis_points"]);
        await using var db = app.OpenDb(client.Firm.Id);
        (await db.Invoices.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Another_firms_invoice_is_404_to_read_issue_or_void_and_stays_as_it_was()
    {
        var (client, http) = await AClientWithKeyAsync();
        var otherFirm = await app.AFirmAsync();
        var stranger = await app.AClientAsync(otherFirm);
        var theirDraft = await app.AnInvoice(stranger).WithLine("Theirs", 1, 50_00).DraftAsync();
        var theirOpen = await app.AnInvoice(stranger).WithLine("Theirs", 1, 50_00).IssuedAsync();

        (await http.GetAsync($"/api/v1/invoices/{theirDraft.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var issue = await http.PostJsonAsync($"/api/v1/invoices/{theirDraft.Id}/issue", "");
        issue.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await issue.ProblemCodeAsync()).ShouldBe("not_found");
        (await http.PostJsonAsync($"/api/v1/invoices/{theirOpen.Id}/void", """{"reason":"x"}""")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var draftForThem = await http.PostJsonAsync("/api/v1/invoices", DraftBody(stranger));
        draftForThem.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await draftForThem.JsonAsync()).GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("client_id");

        await using var db = app.OpenDb(otherFirm.Id);
        (await db.Invoices.SingleAsync(i => i.Id == theirDraft.Id)).Status.ShouldBe(InvoiceStatus.Draft);
        (await db.Invoices.SingleAsync(i => i.Id == theirOpen.Id)).Status.ShouldBe(InvoiceStatus.Open);
        (await db.Invoices.CountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task A_broken_rule_is_422_with_the_reason_and_a_void_needs_a_reason()
    {
        var (client, http) = await AClientWithKeyAsync();
        var open = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        await app.PayByTransferAsync(client, open.Id, 10_00);

        var again = await http.PostJsonAsync($"/api/v1/invoices/{open.Id}/issue", "");
        var voidPaid = await http.PostJsonAsync($"/api/v1/invoices/{open.Id}/void", """{"reason":"Changed my mind"}""");
        var noReason = await http.PostJsonAsync($"/api/v1/invoices/{open.Id}/void", """{"reason":""}""");

        again.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await again.ProblemCodeAsync()).ShouldBe("business_rule_violated");
        voidPaid.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await voidPaid.JsonAsync()).GetProperty("detail").GetString().ShouldNotBeNullOrEmpty();
        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noReason.JsonAsync()).GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("reason");
        await using var db = app.OpenDb(client.Firm.Id);
        (await db.Invoices.SingleAsync()).Status.ShouldBe(InvoiceStatus.PartiallyPaid);
    }

    [Fact]
    public async Task Issuing_is_idempotent_per_key_and_a_key_reused_elsewhere_is_409()
    {
        var (client, http) = await AClientWithKeyAsync();
        var first = await app.AnInvoice(client).WithLine("One", 1, 10_00).DraftAsync();
        var second = await app.AnInvoice(client).WithLine("Two", 1, 10_00).DraftAsync();

        var issued = await http.PostJsonAsync($"/api/v1/invoices/{first.Id}/issue", "", "issue-1");
        var replay = await http.PostJsonAsync($"/api/v1/invoices/{first.Id}/issue", "", "issue-1");
        var elsewhere = await http.PostJsonAsync($"/api/v1/invoices/{second.Id}/issue", "", "issue-1");

        issued.StatusCode.ShouldBe(HttpStatusCode.OK);
        replay.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await replay.Content.ReadAsStringAsync()).ShouldBe(await issued.Content.ReadAsStringAsync());
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await elsewhere.ProblemCodeAsync()).ShouldBe("idempotency_key_reused");
        await using var db = app.OpenDb(client.Firm.Id);
        (await db.Invoices.SingleAsync(i => i.Id == second.Id)).Status.ShouldBe(InvoiceStatus.Draft);
        (await db.AuditEntries.CountAsync(e => e.Action == "Invoice issued")).ShouldBe(1);
    }

    [Fact]
    public async Task Without_a_key_invoices_are_401_and_a_read_key_cannot_issue_403()
    {
        var (client, readOnly) = await AClientWithKeyAsync(ApiKeyScope.Read);
        var draft = await app.AnInvoice(client).WithLine("One", 1, 10_00).DraftAsync();
        using var anonymous = app.ApiClient(null);

        (await anonymous.GetAsync($"/api/v1/invoices/{draft.Id}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await readOnly.GetAsync($"/api/v1/invoices/{draft.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var forbidden = await readOnly.PostJsonAsync($"/api/v1/invoices/{draft.Id}/issue", "");
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await using var db = app.OpenDb(client.Firm.Id);
        (await db.Invoices.SingleAsync()).Status.ShouldBe(InvoiceStatus.Draft);
    }
}
