using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Invoices;
using Portal.Tests.Fixture;

namespace Portal.Tests.Api;

/// <summary>
/// ETag on a single client and invoice, and If-Match on issuing and voiding: a change made from a stale read is 412
/// and changes nothing; a change without If-Match goes ahead as it always did.
/// </summary>
public sealed class ApiETagTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string json, string? ifMatch, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        if (ifMatch is not null)
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return http.SendAsync(request);
    }

    private static async Task<string> ETagOfAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var tag = response.Headers.ETag.ShouldNotBeNull();
        tag.IsWeak.ShouldBeFalse();
        return tag.Tag;
    }

    [Fact]
    public async Task A_client_and_an_invoice_carry_a_strong_etag_that_moves_only_when_what_they_show_moves()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 300_00).IssuedAsync();
        var key = await app.AnApiKeyAsync(firm);
        using var http = app.ApiClient(key.Secret);

        var clientTag = await ETagOfAsync(http, $"/api/v1/clients/{client.Id}");
        var invoiceTag = await ETagOfAsync(http, $"/api/v1/invoices/{invoice.Id}");
        (await ETagOfAsync(http, $"/api/v1/clients/{client.Id}")).ShouldBe(clientTag);
        (await ETagOfAsync(http, $"/api/v1/invoices/{invoice.Id}")).ShouldBe(invoiceTag);
        clientTag.ShouldNotBe(invoiceTag);

        var paid = await http.PostJsonAsync("/api/v1/payments",
            $$$"""{"client_id":"{{{client.Id}}}","method":"bank_transfer","amount":{"amount_minor":10000,"currency":"EUR"}}""");
        paid.StatusCode.ShouldBe(HttpStatusCode.Created);

        // A part payment changes what the invoice shows (amount paid and due, status), so its tag.
        (await ETagOfAsync(http, $"/api/v1/invoices/{invoice.Id}")).ShouldNotBe(invoiceTag);
    }

    [Fact]
    public async Task A_read_with_the_tag_it_holds_is_304_with_no_body_until_the_invoice_changes()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 300_00).IssuedAsync();
        var key = await app.AnApiKeyAsync(firm);
        using var http = app.ApiClient(key.Secret);
        var path = $"/api/v1/invoices/{invoice.Id}";
        var tag = await ETagOfAsync(http, path);

        foreach (var held in new[] { tag, $"W/{tag}", "*", $"\"other\", {tag}" })
        {
            using var same = await GetAsync(http, path, held);
            same.StatusCode.ShouldBe(HttpStatusCode.NotModified, held);
            same.Headers.ETag.ShouldNotBeNull().Tag.ShouldBe(tag);
            (await same.Content.ReadAsByteArrayAsync()).ShouldBeEmpty(held);
        }
        using (var other = await GetAsync(http, path, "\"something-else\""))
            other.StatusCode.ShouldBe(HttpStatusCode.OK);

        var paid = await http.PostJsonAsync("/api/v1/payments",
            $$$"""{"client_id":"{{{client.Id}}}","method":"bank_transfer","amount":{"amount_minor":10000,"currency":"EUR"}}""");
        paid.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var changed = await GetAsync(http, path, tag);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, "the part payment changed the invoice");
        changed.Headers.ETag.ShouldNotBeNull().Tag.ShouldNotBe(tag);
        (await changed.Content.ReadAsStringAsync()).ShouldContain("\"amount_due\"");

        // A change answers with what it did, whatever tag the caller held.
        var draft = await app.AnInvoice(client).WithLine("Filing", 1, 50_00).DraftAsync();
        using var issue = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/invoices/{draft.Id}/issue") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        issue.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        issue.Headers.TryAddWithoutValidation("If-None-Match", "*");
        using var issued = await http.SendAsync(issue);
        issued.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await issued.Content.ReadAsStringAsync()).ShouldContain("\"status\":\"open\"");
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string? ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ifNoneMatch is not null)
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return http.SendAsync(request);
    }

    [Fact]
    public async Task Issuing_with_an_etag_that_no_longer_matches_is_412_and_the_draft_stays_a_draft()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var draft = await app.AnInvoice(client).WithLine("Audit", 1, 300_00).DraftAsync();
        var key = await app.AnApiKeyAsync(firm);
        using var http = app.ApiClient(key.Secret);
        var current = await ETagOfAsync(http, $"/api/v1/invoices/{draft.Id}");
        var idempotencyKey = Guid.NewGuid().ToString();

        foreach (var stale in new[] { "\"0123456789abcdef0123456789abcdef\"", $"W/{current}" })
        {
            using var refused = await PostAsync(http, $"/api/v1/invoices/{draft.Id}/issue", "", stale, idempotencyKey);
            refused.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed, stale);
            (await refused.ProblemCodeAsync()).ShouldBe("precondition_failed");
        }
        await using (var db = app.OpenDb(firm.Id))
        {
            var unchanged = await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == draft.Id);
            (unchanged.Status, unchanged.Number).ShouldBe((InvoiceStatus.Draft, null));
            (await db.LedgerTransactions.CountAsync()).ShouldBe(0);
        }

        // Nothing ran, so the same Idempotency-Key is free for the retry made with the current tag.
        using var issued = await PostAsync(http, $"/api/v1/invoices/{draft.Id}/issue", "", $"\"other\", {current}", idempotencyKey);
        issued.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await issued.JsonAsync()).GetProperty("status").GetString().ShouldBe("open");
        issued.Headers.ETag.ShouldNotBeNull().Tag.ShouldBe(await ETagOfAsync(http, $"/api/v1/invoices/{draft.Id}"));
        issued.Headers.ETag.Tag.ShouldNotBe(current);
    }

    [Fact]
    public async Task Voiding_from_a_stale_read_is_412_and_without_if_match_it_goes_ahead()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var draft = await app.AnInvoice(client).WithLine("Audit", 1, 300_00).DraftAsync();
        var key = await app.AnApiKeyAsync(firm);
        using var http = app.ApiClient(key.Secret);
        var readAsDraft = await ETagOfAsync(http, $"/api/v1/invoices/{draft.Id}");
        using (var issued = await PostAsync(http, $"/api/v1/invoices/{draft.Id}/issue", "", ifMatch: null))
            issued.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var stale = await PostAsync(http, $"/api/v1/invoices/{draft.Id}/void", """{"reason":"Wrong client"}""", readAsDraft);

        stale.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await stale.ProblemCodeAsync()).ShouldBe("precondition_failed");
        await using (var db = app.OpenDb(firm.Id))
        {
            (await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == draft.Id)).Status.ShouldBe(InvoiceStatus.Open);
            (await db.CreditNotes.CountAsync(c => c.InvoiceId == draft.Id)).ShouldBe(0);
        }

        using var anyVersion = await PostAsync(http, $"/api/v1/invoices/{draft.Id}/void", """{"reason":"Wrong client"}""", "*");
        anyVersion.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anyVersion.JsonAsync()).GetProperty("status").GetString().ShouldBe("void");
        await using (var db = app.OpenDb(firm.Id))
            (await db.CreditNotes.CountAsync(c => c.InvoiceId == draft.Id)).ShouldBe(1);
    }

    [Fact]
    public async Task Without_if_match_issuing_goes_ahead_and_another_firms_invoice_is_404_whatever_the_tag()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var draft = await app.AnInvoice(client).WithLine("Audit", 1, 300_00).DraftAsync();
        var stranger = await app.AClientAsync(await app.AFirmAsync());
        var theirs = await app.AnInvoice(stranger).WithLine("Theirs", 1, 50_00).DraftAsync();
        var key = await app.AnApiKeyAsync(firm);
        using var http = app.ApiClient(key.Secret);

        using var issued = await PostAsync(http, $"/api/v1/invoices/{draft.Id}/issue", "", ifMatch: null);
        issued.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var foreign = await PostAsync(http, $"/api/v1/invoices/{theirs.Id}/issue", "", "*");
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await using var db = app.OpenDb(stranger.Firm.Id);
        (await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == theirs.Id)).Status.ShouldBe(InvoiceStatus.Draft);
    }
}
