using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.ApiKeys;
using Portal.Domain.Invoices;
using Portal.Tests.Fixture;

namespace Portal.Tests.Payments;

/// <summary>The contract of <c>/api/v1/payments</c> and of a client's wallet: offline payments booked by the pages' rules.</summary>
public sealed class PaymentsApiTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(TestClient Client, HttpClient Http)> AClientWithKeyAsync(ApiKeyScope scope = ApiKeyScope.ReadWrite)
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm, name: "Leroy & Fils");
        var key = await app.AnApiKeyAsync(firm, scope);
        return (client, app.ApiClient(key.Secret));
    }

    private static string Transfer(TestClient client, long minor, bool surplusToCredit = false) =>
        $$"""{"client_id":"{{client.Id}}","method":"bank_transfer","amount":{"amount_minor":{{minor}},"currency":"EUR"},"reference":"VIR-2026-118","surplus_to_credit":{{(surplusToCredit ? "true" : "false")}}}""";

    [Fact]
    public async Task A_transfer_pays_the_oldest_invoice_first_keeps_the_rest_as_credit_and_shows_in_the_wallet()
    {
        var (client, http) = await AClientWithKeyAsync();
        var older = await app.AnInvoice(client).WithLine("Older", 1, 100_00).IssuedDaysAgo(20).IssuedAsync();
        var newer = await app.AnInvoice(client).WithLine("Newer", 1, 50_00).IssuedAsync();

        var created = await http.PostJsonAsync("/api/v1/payments", Transfer(client, 120_00));
        var topUp = await http.PostJsonAsync("/api/v1/payments", Transfer(client, 50_00, surplusToCredit: true));

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var payment = await created.JsonAsync();
        var id = payment.GetProperty("id").GetGuid();
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/payments/{id}");
        payment.GetProperty("method").GetString().ShouldBe("bank_transfer");
        payment.GetProperty("status").GetString().ShouldBe("succeeded");
        payment.GetProperty("amount").GetProperty("amount_minor").GetInt64().ShouldBe(120_00);
        Allocations(payment).ShouldBe([(older.Id, 100_00), (newer.Id, 20_00)], ignoreOrder: true);
        topUp.StatusCode.ShouldBe(HttpStatusCode.Created);
        Allocations(await topUp.JsonAsync()).ShouldBe([(newer.Id, 30_00), (null, 20_00)], ignoreOrder: true);

        var wallet = await (await http.GetAsync($"/api/v1/clients/{client.Id}/wallet")).JsonAsync();
        wallet.GetProperty("balances").EnumerateArray().Select(b => b.GetProperty("credit").GetProperty("amount_minor").GetInt64()).ShouldBe([20_00]);
        var listed = await (await http.GetAsync($"/api/v1/payments?client_id={client.Id}")).JsonAsync();
        listed.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).First().ShouldBe(id);
        listed.GetProperty("data").GetArrayLength().ShouldBe(2);
        (await (await http.GetAsync($"/api/v1/payments/{id}")).JsonAsync()).GetProperty("reference").GetString().ShouldBe("VIR-2026-118");
        await using var db = app.OpenDb(client.Firm.Id);
        (await db.Invoices.Select(i => i.Status).ToListAsync()).ShouldAllBe(s => s == InvoiceStatus.Paid);
        (await db.AuditEntries.Where(e => e.Action == "API POST /api/v1/payments").Select(e => e.UserName).ToListAsync()).ShouldBe(["API key Accounting sync", "API key Accounting sync"]);
    }

    private static List<(Guid?, long)> Allocations(System.Text.Json.JsonElement payment) =>
        payment.GetProperty("allocations").EnumerateArray()
            .Select(a => (a.GetProperty("invoice_id").ValueKind == System.Text.Json.JsonValueKind.Null ? (Guid?)null : a.GetProperty("invoice_id").GetGuid(), a.GetProperty("amount").GetProperty("amount_minor").GetInt64()))
            .ToList();

    [Fact]
    public async Task Invalid_fields_are_400_naming_each_and_more_than_is_due_without_credit_is_422()
    {
        var (client, http) = await AClientWithKeyAsync();
        await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();

        var invalid = await http.PostJsonAsync("/api/v1/payments",
            $$"""{"client_id":"{{client.Id}}","method":"card","amount":{"amount_minor":0,"currency":"ZZZ"} }""");
        var unknownMethod = await http.PostJsonAsync("/api/v1/payments",
            $$"""{"client_id":"{{client.Id}}","method":"gold_bars","amount":{"amount_minor":100,"currency":"EUR"} }""");
        var overpaid = await http.PostJsonAsync("/api/v1/payments", Transfer(client, 150_00));

        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await invalid.JsonAsync()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString())
            .ShouldBe(["method", "amount.amount_minor", "amount.currency"]);
        unknownMethod.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknownMethod.JsonAsync()).GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("method");
        overpaid.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await overpaid.ProblemCodeAsync()).ShouldBe("business_rule_violated");
        await using var db = app.OpenDb(client.Firm.Id);
        (await db.Payments.CountAsync()).ShouldBe(0);
        (await db.Invoices.SingleAsync()).Status.ShouldBe(InvoiceStatus.Open);
    }

    [Fact]
    public async Task Another_firms_payment_client_and_wallet_are_404_and_nothing_is_booked_for_them()
    {
        var (_, http) = await AClientWithKeyAsync();
        var otherFirm = await app.AFirmAsync();
        var stranger = await app.AClientAsync(otherFirm);
        var theirInvoice = await app.AnInvoice(stranger).WithLine("Theirs", 1, 80_00).IssuedAsync();
        var theirPayment = await app.PayByTransferAsync(stranger, theirInvoice.Id, 30_00);

        (await http.GetAsync($"/api/v1/payments/{theirPayment}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await http.GetAsync($"/api/v1/clients/{stranger.Id}/wallet")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var forThem = await http.PostJsonAsync("/api/v1/payments", Transfer(stranger, 50_00));
        forThem.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await forThem.ProblemCodeAsync()).ShouldBe("not_found");
        (await (await http.GetAsync("/api/v1/payments")).JsonAsync()).GetProperty("data").GetArrayLength().ShouldBe(0);

        await using var db = app.OpenDb(otherFirm.Id);
        (await db.Payments.CountAsync()).ShouldBe(1);
        (await db.Invoices.SingleAsync()).AmountDue.Minor.ShouldBe(50_00);
    }

    [Fact]
    public async Task A_retried_payment_books_once_and_the_same_key_with_another_amount_is_409()
    {
        var (client, http) = await AClientWithKeyAsync();
        await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();

        var first = await http.PostJsonAsync("/api/v1/payments", Transfer(client, 40_00), "bank-line-118");
        var retry = await http.PostJsonAsync("/api/v1/payments", Transfer(client, 40_00), "bank-line-118");
        var changed = await http.PostJsonAsync("/api/v1/payments", Transfer(client, 45_00), "bank-line-118");

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await retry.JsonAsync()).GetProperty("id").GetGuid().ShouldBe((await first.JsonAsync()).GetProperty("id").GetGuid());
        changed.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await changed.ProblemCodeAsync()).ShouldBe("idempotency_key_reused");
        await using var db = app.OpenDb(client.Firm.Id);
        (await db.Payments.CountAsync()).ShouldBe(1);
        (await db.Invoices.SingleAsync()).AmountDue.Minor.ShouldBe(60_00);
    }

    [Fact]
    public async Task Without_a_key_payments_are_401_and_a_read_key_cannot_record_403()
    {
        var (client, readOnly) = await AClientWithKeyAsync(ApiKeyScope.Read);
        await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        using var anonymous = app.ApiClient(null);

        (await anonymous.GetAsync("/api/v1/payments")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync($"/api/v1/clients/{client.Id}/wallet")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await readOnly.GetAsync($"/api/v1/clients/{client.Id}/wallet")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var forbidden = await readOnly.PostJsonAsync("/api/v1/payments", Transfer(client, 10_00));
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await using var db = app.OpenDb(client.Firm.Id);
        (await db.Payments.CountAsync()).ShouldBe(0);
    }
}
