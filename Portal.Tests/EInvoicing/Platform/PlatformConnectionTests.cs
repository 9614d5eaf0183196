using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Clients;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.EInvoicing;
using Portal.EInvoicing.Platform;
using Portal.Integrations;
using Portal.Tests.Documents;
using Portal.Tests.Fixture;

namespace Portal.Tests.EInvoicing.Platform;

public sealed class PlatformConnectionTests(PlatformPortalApp app) : IClassFixture<PlatformPortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_client_secret_is_stored_encrypted_and_the_page_shows_it_only_masked()
    {
        var firm = await app.AFirmAsync();
        var secret = "platform_secret_" + Guid.NewGuid().ToString("N") + "7319";
        var clientId = PlatformPortalApp.NewClientId();
        await app.ConnectPlatformAsync(firm, clientId, secret);

        await using (var db = app.OpenDb())
        {
            // What the database itself holds, column by column, never includes the secret.
            var raw = await db.Database.SqlQueryRaw<string>(
                "SELECT \"ClientSecretProtected\" || '|' || \"ClientSecretHint\" || '|' || \"ClientId\" AS \"Value\" FROM \"EInvoicingPlatformConnections\"").SingleAsync();
            raw.ShouldNotContain(secret);
            raw.ShouldContain("…7319");
        }
        // Its own purpose: a payment provider's protector cannot read it.
        var stored = await ReadStoredAsync(firm);
        Should.Throw<System.Security.Cryptography.CryptographicException>(() =>
            app.Services.GetRequiredService<ProviderSecrets>().Unprotect(Portal.Domain.Payments.PaymentProvider.Stripe, stored.ClientSecretProtected));

        using var owner = await app.SignInAsync(firm.Owner);
        var (status, encoded) = await owner.GetPageAsync("/staff/integrations");
        status.ShouldBe(HttpStatusCode.OK);
        var html = WebUtility.HtmlDecode(encoded);
        html.ShouldContain("…7319");
        html.ShouldContain(clientId);
        html.ShouldNotContain(secret);
    }

    [Fact]
    public async Task Test_connection_reaches_the_healthcheck_and_says_plainly_when_the_secret_is_wrong()
    {
        var firm = await app.AFirmAsync();
        var clientId = PlatformPortalApp.NewClientId();
        await app.ConnectPlatformAsync(firm, clientId, "the-right-secret-0001");

        var working = await app.AsStaffOfAsync<PlatformConnections, PlatformConnectionCheck>(firm, c => c.TestAsync());
        var verifiedAt = (await ReadStoredAsync(firm)).LastVerifiedAt;
        await app.ConnectPlatformAsync(firm, clientId, "a-wrong-secret-0002");
        var refused = await app.AsStaffOfAsync<PlatformConnections, PlatformConnectionCheck>(firm, c => c.TestAsync());
        await app.ConnectPlatformAsync(firm, clientId, "", baseUrl: "http://127.0.0.1:9/flow-service");
        var unreachable = await app.AsStaffOfAsync<PlatformConnections, PlatformConnectionCheck>(firm, c => c.TestAsync());

        working.ShouldBe(new PlatformConnectionCheck(true, null));
        verifiedAt.ShouldNotBeNull();
        refused.Succeeded.ShouldBeFalse();
        refused.Problem!.ShouldContain("refused the client id or secret");
        (await ReadStoredAsync(firm)).LastVerifiedAt.ShouldBeNull("new credentials are not verified until tested");
        unreachable.Problem!.ShouldContain("could not be reached");
    }

    [Fact]
    public async Task A_relative_address_or_a_missing_secret_is_refused_and_nothing_is_saved_and_disconnect_removes_it()
    {
        var firm = await app.AFirmAsync();

        await Should.ThrowAsync<DomainException>(() => app.ConnectPlatformAsync(firm, PlatformPortalApp.NewClientId(), "a-secret-long-enough", baseUrl: "platform/flow-service"));
        await Should.ThrowAsync<DomainException>(() => app.ConnectPlatformAsync(firm, PlatformPortalApp.NewClientId(), "  "));
        (await app.AsStaffOfAsync<PlatformConnections, PlatformConnectionSummary?>(firm, c => c.SummaryAsync())).ShouldBeNull();

        await app.ConnectPlatformAsync(firm, PlatformPortalApp.NewClientId(), "a-secret-long-enough");
        await app.AsStaffOfAsync<PlatformConnections>(firm, c => c.DisconnectAsync());
        (await app.AsStaffOfAsync<PlatformConnections, PlatformConnectionSummary?>(firm, c => c.SummaryAsync())).ShouldBeNull();
    }

    [Fact]
    public async Task Another_firms_connection_is_neither_shown_nor_replaced()
    {
        var firm = await app.AFirmAsync();
        var other = await app.AFirmAsync();
        await app.ConnectPlatformAsync(other, PlatformPortalApp.NewClientId(), "other-firms-secret-4444");

        (await app.AsStaffOfAsync<PlatformConnections, PlatformConnectionSummary?>(firm, c => c.SummaryAsync())).ShouldBeNull();
        await app.AsStaffOfAsync<PlatformConnections>(firm, c => c.DisconnectAsync());

        (await app.AsStaffOfAsync<PlatformConnections, PlatformConnectionSummary?>(other, c => c.SummaryAsync())).ShouldNotBeNull();
    }

    [Fact]
    public async Task An_issued_invoices_factur_x_pdf_is_acknowledged_ok_and_one_without_the_buyers_siren_is_an_error()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity);
        await app.AsStaffOfAsync<ClientDirectory>(firm, s => s.UpdateAsync(client.Id, new ClientInput(client.Name, $"billing-{client.Id:N}@example.test", "EUR", null,
            new ClientLegalDetails(ClientKind.FrenchBusiness, "552100554", Address: "2 rue Haute\n69001 Lyon"))));
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 1200_00, 2000).IssuedAsync();
        using var staff = await app.SignInAsync(firm.Staff);
        var (_, pdf, _) = await staff.DownloadAsync($"/staff/invoices/{invoice.Id}/pdf");
        var platform = app.PlatformClient(PlatformPortalApp.NewClientId(), "a-secret-long-enough");

        var accepted = await platform.SubmitFlowAsync(new FlowSubmission("invoice.pdf", "Factur-X", "B2B", "CIUS", invoice.Id.ToString(), pdf, "invoice.pdf", "application/pdf"));
        var stripped = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString((await staff.DownloadAsync($"/staff/invoices/{invoice.Id}/factur-x.xml")).Item2)
            .Replace("<ram:ID schemeID=\"0002\">552100554</ram:ID>", "", StringComparison.Ordinal));
        var missingSiren = await platform.SubmitFlowAsync(new FlowSubmission("invoice.xml", "CII", "B2B", "CIUS", Guid.NewGuid().ToString(), stripped, "invoice.xml", "text/xml"));

        var flow = await platform.GetFlowAsync(accepted.FlowId);
        flow.Acknowledgement.Status.ShouldBe(FlowAckStatus.Ok);
        flow.TrackingId.ShouldBe(invoice.Id.ToString());
        flow.Lifecycle.Select(s => s.Status).ShouldBe([200, 201]);
        var refused = await platform.GetFlowAsync(missingSiren.FlowId);
        refused.Acknowledgement.Status.ShouldBe(FlowAckStatus.Error);
        refused.Acknowledgement.Details.Single().ReasonMessage.ShouldBe($"Invoice {invoice.Number}: the buyer's SIREN (BT-47) is missing for a French business buyer.");
    }

    private async Task<PlatformConnection> ReadStoredAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.PlatformConnections.AsNoTracking().SingleAsync();
    }
}
