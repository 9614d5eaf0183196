using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Clients.Pages;
using Portal.Components.Shared;
using Portal.Tests.Fixture;

namespace Portal.Tests.Tenancy;

/// <summary>
/// "View as client": staff see a client's portal read-only, as themselves, within their own firm, and each look is
/// in the audit trail.
/// </summary>
public sealed class ClientPreviewTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static string Preview(TestClient client) => $"/staff/clients/{client.Id}/preview";

    private static string Money(TestClient client, long minor) => MoneyFormat.Format(client.Amount(minor), English);

    /// <summary>The page from the preview's banner to its end: the staff layout's menus and sign-out form come before it.</summary>
    private static string PreviewPart(string html)
    {
        var start = html.IndexOf("data-testid=\"preview-banner\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, "the preview banner is missing");
        return html[start..];
    }

    private async Task<(TestFirm Firm, TestClient Client, string PartlyPaid, string Unpaid)> AClientWithMoneyAsync()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm, name: "Preview Client Ltd");
        var partly = await app.AnInvoice(client).WithLine("Audit", 1, 120_00).DueInDays(10).IssuedAsync();
        var unpaid = await app.AnInvoice(client).WithLine("Advice", 1, 80_00).DueInDays(20).IssuedAsync();
        await app.PayByTransferAsync(client, partly.Id, 20_00);
        await app.GiveCreditAsync(client, 30_00);
        return (firm, client, partly.Number!, unpaid.Number!);
    }

    [Fact]
    public async Task Staff_see_the_clients_invoices_amounts_due_and_credit_under_a_read_only_banner()
    {
        var (firm, client, partly, unpaid) = await AClientWithMoneyAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        var (status, html) = await staff.GetPageAsync(Preview(client));

        status.ShouldBe(HttpStatusCode.OK);
        var preview = WebUtility.HtmlDecode(PreviewPart(html));
        preview.ShouldContain("Preview of Preview Client Ltd's portal, read-only: nothing can be paid or changed here.");
        preview.ShouldContain(partly);
        preview.ShouldContain(unpaid);
        preview.ShouldContain(Money(client, 100_00));
        Regex.Match(preview, "data-testid=\"amount-due-total\"[^>]*>([^<]*)<").Groups[1].Value.ShouldBe(Money(client, 180_00));
        Regex.Match(preview, "data-testid=\"credit-balance\"[^>]*>([^<]*)<").Groups[1].Value.ShouldBe(Money(client, 30_00));
        Regex.Matches(preview, "data-testid=\"client-payment\"").Count.ShouldBe(2);
    }

    [Fact]
    public async Task The_preview_has_nothing_that_posts_pays_or_changes()
    {
        var (firm, client, _, _) = await AClientWithMoneyAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        var (status, html) = await staff.GetPageAsync(Preview(client));

        status.ShouldBe(HttpStatusCode.OK);
        var preview = PreviewPart(html);
        foreach (var action in new[] { "<form", "<button", "<input", "<textarea", "<select", "/portal/pay", "/refund", "/correct", "prepay-by-card", "dd-prepay", "apply-credit", "cancel-mandate", "set-up-direct-debit" })
            preview.ShouldNotContain(action, Case.Insensitive, action);
        // Server-rendered only: no circuit is started, so there is nothing to call back into either.
        html.ShouldNotContain("<!--Blazor:{\"type\":\"server\"", Case.Sensitive);
    }

    [Fact]
    public async Task The_client_record_links_to_the_preview()
    {
        var (firm, client, _, _) = await AClientWithMoneyAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        var (status, html) = await staff.GetPageAsync($"/staff/clients/{client.Id}");

        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain($"href=\"/staff/clients/{client.Id}/preview\"");
        html.ShouldContain("View as client");
    }

    [Fact]
    public async Task Another_firms_staff_get_not_found_and_nothing_is_recorded()
    {
        var (firm, client, partly, _) = await AClientWithMoneyAsync();
        var other = await app.AFirmAsync();
        using var otherStaff = await app.SignInAsync(other.Owner);

        var (status, html) = await otherStaff.GetPageAsync(Preview(client));

        status.ShouldBe(HttpStatusCode.NotFound);
        html.ShouldNotContain("Preview Client Ltd");
        html.ShouldNotContain(partly);
        await using var db = app.OpenDb();
        (await db.AuditEntries.IgnoreQueryFilters().CountAsync(e => e.Action == ClientPreview.PreviewedAction)).ShouldBe(0);
    }

    [Fact]
    public async Task A_client_contact_is_refused_the_preview_even_of_their_own_account()
    {
        var (_, client, _, _) = await AClientWithMoneyAsync();
        using var contact = await app.SignInAsync(client.Contact);

        using var response = await contact.GetAsync(Preview(client));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("Account/AccessDenied");
        await using var db = app.OpenDb();
        (await db.AuditEntries.IgnoreQueryFilters().CountAsync(e => e.Action == ClientPreview.PreviewedAction)).ShouldBe(0);
    }

    [Fact]
    public async Task Each_look_is_in_the_audit_trail_naming_the_staff_member_and_the_client()
    {
        var (firm, client, _, _) = await AClientWithMoneyAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        (await staff.GetPageAsync(Preview(client))).Status.ShouldBe(HttpStatusCode.OK);

        await using var db = app.OpenDb(firm.Id);
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == ClientPreview.PreviewedAction);
        entry.UserId.ShouldBe(firm.Staff.UserId);
        entry.UserName.ShouldBe("Staff " + firm.Key);
        entry.SubjectType.ShouldBe("Client");
        entry.SubjectId.ShouldBe(client.Id);
        entry.After.ShouldBe("Preview Client Ltd");

        (await staff.GetPageAsync(Preview(client))).Status.ShouldBe(HttpStatusCode.OK);
        (await db.AuditEntries.CountAsync(e => e.Action == ClientPreview.PreviewedAction)).ShouldBe(2);
    }
}
