using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain.Firms;

namespace Portal.Firms;

/// <summary>The owner sets the firm's legal and bank identity. Audited: a changed IBAN sends clients' transfers elsewhere.</summary>
public sealed class FirmIdentitySettings(IDbContextFactory<PortalDbContext> dbFactory, AuditRecorder audit)
{
    public async Task<FirmLegalIdentity> LoadAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        return firm.LegalIdentity;
    }

    public async Task SaveAsync(FirmLegalIdentity identity, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        var before = Describe(firm.LegalIdentity);
        firm.SetLegalIdentity(identity);
        audit.Record(db, "Firm identity changed", "Firm", firm.Id, before, Describe(firm.LegalIdentity));
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Describe(FirmLegalIdentity identity) =>
        $"{identity.LegalName}; SIREN {identity.Siren}; SIRET {identity.Siret}; VAT {identity.VatNumber}; IBAN {identity.Iban}; BIC {identity.Bic}; e-invoicing address {identity.ElectronicAddress}; VAT on debits {identity.VatOnDebits}; size {identity.Size?.ToString() ?? "not stated"}; SEPA creditor id {identity.SepaCreditorId}";
}
