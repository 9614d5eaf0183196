using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Firms;
using Portal.Tests.Fixture;

namespace Portal.Tests.Firms;

public sealed class FirmBrandingTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(" ", "INV-", nameof(BrandingInput.Name))]
    [InlineData("Cabinet Martin", "FACTURES-2027-", nameof(BrandingInput.InvoicePrefix))]
    public async Task A_refused_name_or_prefix_names_its_field_for_the_page_and_nothing_is_kept(string name, string prefix, string field)
    {
        var firm = await app.AFirmAsync();
        string before;
        await using (var db = app.OpenDb(firm.Id))
            before = (await db.Firms.SingleAsync()).Name;

        var refusal = await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<FirmSettings>(firm, settings =>
            settings.SaveBrandingAsync(new BrandingInput(name, null, null, prefix, "EUR"))));

        refusal.Field.ShouldBe(field);
        await using var check = app.OpenDb(firm.Id);
        (await check.Firms.SingleAsync()).Name.ShouldBe(before);
    }
}
