using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;

namespace Portal.Firms;

public sealed record BrandingInput(string Name, string? PrimaryColor, string? LogoDataUrl, string InvoicePrefix, string DefaultCurrencyCode);

/// <summary>Owner and admin changes to the firm itself.</summary>
public sealed class FirmSettings(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task SaveBrandingAsync(BrandingInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        firm.Rename(input.Name);
        firm.Brand(string.IsNullOrWhiteSpace(input.PrimaryColor) ? null : input.PrimaryColor.Trim(), input.LogoDataUrl);
        firm.SetInvoicePrefix(input.InvoicePrefix);
        firm.ChangeDefaultCurrency(Currency.FromCode(input.DefaultCurrencyCode));
        await db.SaveChangesAsync(cancellationToken);
    }
}

public static class FirmsSetup
{
    public static IServiceCollection AddFirms(this IServiceCollection services) => services.AddScoped<FirmSettings>();
}
