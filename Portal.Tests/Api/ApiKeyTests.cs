using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Api;
using Portal.Domain.ApiKeys;
using Portal.Tests.Fixture;

namespace Portal.Tests.Api;

/// <summary>API keys: made by the owner, kept hashed, checked on every request, scoped, revocable, and bound to one firm.</summary>
public sealed class ApiKeyTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_key_is_stored_only_as_its_hash_and_records_when_it_was_used()
    {
        var firm = await app.AFirmAsync();
        var key = await app.AnApiKeyAsync(firm, name: "Accounting sync");

        key.Secret.ShouldStartWith(key.Prefix + "_");
        key.Prefix.ShouldMatch("^pk_test_[0-9a-f]{8}$");
        key.Secret.Length.ShouldBeGreaterThan(key.Prefix.Length + 40);
        await using (var db = app.OpenDb(firm.Id))
        {
            var stored = await db.ApiKeys.SingleAsync();
            stored.SecretHash.ShouldBe(SHA256.HashData(Encoding.UTF8.GetBytes(key.Secret)));
            stored.LastUsedAt.ShouldBeNull();
        }

        using var http = app.ApiClient(key.Secret);
        (await http.GetAsync("/api/v1/clients")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await using (var db = app.OpenDb(firm.Id))
            (await db.ApiKeys.SingleAsync()).LastUsedAt.ShouldNotBeNull();
        var listed = await app.AsStaffOfAsync<ApiKeys, IReadOnlyList<ApiKeyView>>(firm, keys => keys.ListAsync());
        listed.Single().Name.ShouldBe("Accounting sync");
        listed.Single().LastUsedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task No_key_a_forged_key_and_a_staff_cookie_are_all_answered_401()
    {
        var firm = await app.AFirmAsync();
        var key = await app.AnApiKeyAsync(firm);

        using var anonymous = app.ApiClient(null);
        var missing = await anonymous.GetAsync("/api/v1/clients");
        missing.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        missing.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        (await missing.ProblemCodeAsync()).ShouldBe("api_key_missing");

        using var forged = app.ApiClient(key.Prefix + "_" + new string('A', 43));
        var wrong = await forged.GetAsync("/api/v1/clients");
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await wrong.ProblemCodeAsync()).ShouldBe("api_key_invalid");

        // A signed-in staff member's cookie opens the pages, never the API: the API answers to keys only.
        using var staff = await app.SignInAsync(firm.Staff);
        (await staff.GetAsync("/api/v1/clients")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once_and_an_expired_key_after_its_last_day()
    {
        var firm = await app.AFirmAsync();
        var revoked = await app.AnApiKeyAsync(firm, name: "Old integration");
        var expiring = await app.AnApiKeyAsync(firm, name: "Trial", expiresOn: app.Today);
        using var revokedHttp = app.ApiClient(revoked.Secret);
        using var expiringHttp = app.ApiClient(expiring.Secret);
        (await revokedHttp.GetAsync("/api/v1/clients")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await app.AsStaffOfAsync<ApiKeys>(firm, keys => keys.RevokeAsync(revoked.Id));
        var afterRevoke = await revokedHttp.GetAsync("/api/v1/clients");
        afterRevoke.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await afterRevoke.JsonAsync()).GetProperty("detail").GetString().ShouldBe("This API key was revoked.");
        await Should.ThrowAsync<Portal.Domain.DomainException>(() => app.AsStaffOfAsync<ApiKeys>(firm, keys => keys.RevokeAsync(revoked.Id)));

        (await expiringHttp.GetAsync("/api/v1/clients")).StatusCode.ShouldBe(HttpStatusCode.OK);
        ((TestClock)app.Clock).Advance(TimeSpan.FromDays(1));
        var afterExpiry = await expiringHttp.GetAsync("/api/v1/clients");
        afterExpiry.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await afterExpiry.JsonAsync()).GetProperty("detail").GetString().ShouldBe("This API key has expired.");
    }

    [Fact]
    public async Task A_key_revoked_by_another_instance_stops_working_here_within_the_few_seconds_checked_keys_are_kept()
    {
        var firm = await app.AFirmAsync();
        var key = await app.AnApiKeyAsync(firm, name: "Busy integration");
        using var http = app.ApiClient(key.Secret);
        (await http.GetAsync("/api/v1/clients")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Revoked as another instance would: in the database only, this instance's cache untold.
        await using (var db = app.OpenDb(firm.Id))
        {
            (await db.ApiKeys.SingleAsync(k => k.Id == key.Id)).Revoke(app.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        }
        (await http.GetAsync("/api/v1/clients")).StatusCode.ShouldBe(HttpStatusCode.OK, "checked a moment ago, still kept");

        ((TestClock)app.Clock).Advance(Portal.Api.ApiKeyCache.Lifetime);
        var after = await http.GetAsync("/api/v1/clients");
        after.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await after.JsonAsync()).GetProperty("detail").GetString().ShouldBe("This API key was revoked.");
    }

    [Fact]
    public async Task A_read_only_key_reads_but_any_write_is_403()
    {
        var firm = await app.AFirmAsync();
        var key = await app.AnApiKeyAsync(firm, ApiKeyScope.Read);
        using var http = app.ApiClient(key.Secret);

        (await http.GetAsync("/api/v1/clients")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var write = await http.PostJsonAsync("/api/v1/clients", """{"name":"Blocked Ltd","billing_email":"a@blocked.test","currency":"EUR"}""");

        write.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var problem = await write.JsonAsync();
        problem.GetProperty("code").GetString().ShouldBe("insufficient_scope");
        problem.GetProperty("detail").GetString().ShouldBe("This endpoint needs a key with the clients:write scope.");
        await using var db = app.OpenDb(firm.Id);
        (await db.ClientAccounts.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task A_key_reaches_only_the_resources_it_was_made_for_and_the_403_names_the_scope_it_lacks()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm, name: "Scoped Ltd");
        var key = await app.AnApiKeyAsync(firm, name: "Accounting sync", resources: ApiResources.Invoices | ApiResources.Payments);
        using var http = app.ApiClient(key.Secret);

        (await http.GetAsync("/api/v1/invoices")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetAsync("/api/v1/payments")).StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var (path, scope) in new[] { ("/api/v1/clients", "clients:read"), ($"/api/v1/clients/{client.Id}", "clients:read"), ($"/api/v1/clients/{client.Id}/wallet", "wallets:read") })
        {
            var refused = await http.GetAsync(path);
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
            var problem = await refused.JsonAsync();
            problem.GetProperty("code").GetString().ShouldBe("insufficient_scope");
            problem.GetProperty("detail").GetString().ShouldBe($"This endpoint needs a key with the {scope} scope.");
        }
        var write = await http.PostJsonAsync("/api/v1/clients", """{"name":"Blocked Ltd","billing_email":"a@blocked.test","currency":"EUR"}""");
        write.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await write.JsonAsync()).GetProperty("detail").GetString().ShouldBe("This endpoint needs a key with the clients:write scope.");

        await using var db = app.OpenDb(firm.Id);
        (await db.ClientAccounts.CountAsync()).ShouldBe(1, "the refused write created nothing");
        var made = await db.AuditEntries.SingleAsync(e => e.Action == "API key created");
        made.After.ShouldBe($"Accounting sync ({key.Prefix}, invoices:read invoices:write payments:read payments:write)");
    }

    [Fact]
    public async Task A_key_must_reach_something()
    {
        var firm = await app.AFirmAsync();

        var refused = await Should.ThrowAsync<Portal.Domain.DomainException>(() => app.AnApiKeyAsync(firm, resources: ApiResources.None));

        refused.Message.ShouldBe("Choose what the API key may reach: clients, invoices, payments or credit.");
        await using var db = app.OpenDb(firm.Id);
        (await db.ApiKeys.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Making_and_revoking_keys_and_every_write_through_a_key_are_in_the_audit_log_under_its_name()
    {
        var firm = await app.AFirmAsync();
        var key = await app.AnApiKeyAsync(firm, name: "CRM bridge");
        using var http = app.ApiClient(key.Secret);

        var created = await http.PostJsonAsync("/api/v1/clients", """{"name":"Audited SA","billing_email":"billing@audited.test","currency":"EUR"}""");
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var clientId = (await created.JsonAsync()).GetProperty("id").GetGuid();
        await app.AsStaffOfAsync<ApiKeys>(firm, keys => keys.RevokeAsync(key.Id));

        await using var db = app.OpenDb(firm.Id);
        var entries = await db.AuditEntries.OrderBy(e => e.At).ToListAsync();
        entries.Select(e => e.Action).ShouldBe(["API key created", "API POST /api/v1/clients", "API key revoked"]);
        var write = entries[1];
        write.UserName.ShouldBe("API key CRM bridge");
        write.UserId.ShouldBe($"api-key:{key.Id}");
        write.SubjectType.ShouldBe("Client");
        write.SubjectId.ShouldBe(clientId);
    }

    [Fact]
    public async Task A_key_sees_only_its_own_firm()
    {
        var mine = await app.AFirmAsync();
        var theirs = await app.AFirmAsync();
        var myClient = await app.AClientAsync(mine, name: "Mine Ltd");
        var theirClient = await app.AClientAsync(theirs, name: "Theirs Ltd");
        var myKey = await app.AnApiKeyAsync(mine);
        using var http = app.ApiClient(myKey.Secret);

        var list = await (await http.GetAsync("/api/v1/clients")).JsonAsync();
        list.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ShouldBe([myClient.Id]);
        var foreign = await http.GetAsync($"/api/v1/clients/{theirClient.Id}");
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await foreign.ProblemCodeAsync()).ShouldBe("not_found");
        await Should.ThrowAsync<Portal.Data.NotFoundException>(() => app.AsStaffOfAsync<ApiKeys>(theirs, keys => keys.RevokeAsync(myKey.Id)));
    }
}
