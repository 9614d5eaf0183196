using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Clients;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Firms;
using Portal.Invoices;
using Portal.Tests.Fixture;

namespace Portal.Tests.EInvoicing;

/// <summary>The mentions French law asks of an invoice, kept and enforced through the real app and its database.</summary>
public sealed class LegalMentionsTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static ClientInput Input(TestClient client, ClientLegalDetails legal) => new(client.Name, $"billing-{client.Id:N}@example.test", client.Currency.Code, null, legal);

    private InvoiceDraft Draft(TestClient client) =>
        new(client.Id, client.Currency.Code, app.Today, app.Today.AddDays(30), null, null, PaymentMethods.All,
            [new InvoiceLineInput("Audit", 1m, 500_00, 2000), new InvoiceLineInput("Server", 1m, 900_00, 2000, SupplyKind.Goods)]);

    [Fact]
    public async Task Issuing_to_a_french_business_without_its_siren_is_refused_until_the_siren_is_added()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        await app.AsStaffOfAsync<ClientDirectory>(firm, s => s.UpdateAsync(client.Id, Input(client, new ClientLegalDetails(ClientKind.FrenchBusiness, Address: "2 rue Haute\n69001 Lyon"))));
        var id = await app.AsStaffOfAsync<Invoicing, Guid>(firm, s => s.CreateDraftAsync(Draft(client)));

        var refused = await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<Invoicing, string>(firm, s => s.IssueAsync(id)));

        refused.Message.ShouldContain("its SIREN is missing");
        await using (var db = app.OpenDb(firm.Id))
        {
            var draft = await db.Invoices.SingleAsync(i => i.Id == id);
            (draft.Status, draft.Number).ShouldBe((InvoiceStatus.Draft, null));
            (await db.Firms.SingleAsync()).NextInvoiceNumber.ShouldBe(1);
            (await db.LedgerTransactions.CountAsync()).ShouldBe(0);
        }

        await app.AsStaffOfAsync<ClientDirectory>(firm, s => s.UpdateAsync(client.Id, Input(client, new ClientLegalDetails(ClientKind.FrenchBusiness, Siren: "732 829 320", Address: "2 rue Haute\n69001 Lyon"))));
        var number = await app.AsStaffOfAsync<Invoicing, string>(firm, s => s.IssueAsync(id));

        number.ShouldBe("INV-00001");
        await using (var db = app.OpenDb(firm.Id))
        {
            var issued = await db.Invoices.SingleAsync(i => i.Id == id);
            issued.Category().Code.ShouldBe("M1");
            issued.Lines.OrderBy(l => l.Position).Select(l => l.Kind).ShouldBe([SupplyKind.Service, SupplyKind.Goods]);
            var saved = await db.ClientAccounts.SingleAsync(c => c.Id == client.Id);
            saved.LegalDetails.ShouldBe(new ClientLegalDetails(ClientKind.FrenchBusiness, "732829320", null, null, null, "2 rue Haute\n69001 Lyon"));
        }
    }

    [Fact]
    public async Task The_api_refuses_the_issue_with_a_422_naming_the_missing_siren()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        await app.AsStaffOfAsync<ClientDirectory>(firm, s => s.UpdateAsync(client.Id, Input(client, new ClientLegalDetails(ClientKind.FrenchBusiness))));
        var id = await app.AsStaffOfAsync<Invoicing, Guid>(firm, s => s.CreateDraftAsync(Draft(client)));
        var key = await app.AnApiKeyAsync(firm);
        using var http = app.ApiClient(key.Secret);

        var response = await http.PostJsonAsync($"/api/v1/invoices/{id}/issue", "");

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await response.JsonAsync()).GetProperty("detail").GetString()!.ShouldContain("SIREN is missing");
        await using var db = app.OpenDb(firm.Id);
        (await db.Invoices.SingleAsync(i => i.Id == id)).Status.ShouldBe(InvoiceStatus.Draft);
    }

    [Fact]
    public async Task A_bad_client_siren_is_refused_and_the_client_keeps_what_it_had()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        await app.AsStaffOfAsync<ClientDirectory>(firm, s => s.UpdateAsync(client.Id, Input(client, new ClientLegalDetails(ClientKind.FrenchBusiness, Siren: "732829320"))));

        var refused = await Should.ThrowAsync<DomainException>(() =>
            app.AsStaffOfAsync<ClientDirectory>(firm, s => s.UpdateAsync(client.Id, Input(client, new ClientLegalDetails(ClientKind.FrenchBusiness, Siren: "732829321")))));

        refused.Message.ShouldContain("check digit");
        await using var db = app.OpenDb(firm.Id);
        (await db.ClientAccounts.SingleAsync(c => c.Id == client.Id)).Siren.ShouldBe("732829320");
    }

    [Fact]
    public async Task The_firm_saves_its_electronic_address_and_vat_on_debits_option()
    {
        var firm = await app.AFirmAsync();

        await app.AsStaffOfAsync<FirmIdentitySettings>(firm, s => s.SaveAsync(new FirmLegalIdentity("Acme SAS", Siren: "732829320", ElectronicAddress: "732829320", VatOnDebits: true)));

        var saved = await app.AsStaffOfAsync<FirmIdentitySettings, FirmLegalIdentity>(firm, s => s.LoadAsync());
        (saved.ElectronicAddress, saved.VatOnDebits).ShouldBe(("732829320", true));
    }
}
