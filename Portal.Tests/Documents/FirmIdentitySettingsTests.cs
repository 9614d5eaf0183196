using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Firms;
using Portal.Tests.Fixture;

namespace Portal.Tests.Documents;

public sealed class FirmIdentitySettingsTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Owner_saves_the_identity_and_the_change_is_audited()
    {
        var firm = await app.AFirmAsync();

        await app.AsStaffOfAsync<FirmIdentitySettings>(firm, s => s.SaveAsync(DocumentFixtures.FrenchIdentity with { Iban = "FR76 3000 6000 0112 3456 7890 189" }));

        (await app.AsStaffOfAsync<FirmIdentitySettings, FirmLegalIdentity>(firm, s => s.LoadAsync())).ShouldBe(DocumentFixtures.FrenchIdentity);
        await using var db = app.OpenDb(firm.Id);
        (await db.AuditEntries.SingleAsync(a => a.Action == "Firm identity changed")).After!.ShouldContain(DocumentFixtures.Iban);
    }

    [Fact]
    public async Task A_wrong_iban_is_refused_and_changes_nothing()
    {
        var firm = await app.AFirmAsync();
        await app.AsStaffOfAsync<FirmIdentitySettings>(firm, s => s.SaveAsync(DocumentFixtures.FrenchIdentity));

        await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<FirmIdentitySettings>(firm,
            s => s.SaveAsync(DocumentFixtures.FrenchIdentity with { LegalName = "Renamed", Iban = "FR7630006000011234567890188" })));

        (await app.AsStaffOfAsync<FirmIdentitySettings, FirmLegalIdentity>(firm, s => s.LoadAsync())).ShouldBe(DocumentFixtures.FrenchIdentity);
    }

    [Fact]
    public async Task Identity_page_is_for_the_owner_only()
    {
        var firm = await app.AFirmAsync();
        using var owner = await app.SignInAsync(firm.Owner);
        using var staff = await app.SignInAsync(firm.Staff);

        var (ownerStatus, html) = await owner.GetPageAsync("/staff/settings/identity");
        var (staffStatus, _) = await staff.GetPageAsync("/staff/settings/identity");

        ownerStatus.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("data-testid=\"save-identity\"");
        staffStatus.ShouldNotBe(HttpStatusCode.OK);
    }
}
