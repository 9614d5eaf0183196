using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;

namespace Portal.Documents;

/// <summary>The firm as its documents show it: name, legal and bank identity, colour and logo.</summary>
public sealed record DocumentSeller(string Name, FirmLegalIdentity Legal, string? PrimaryColor, string? LogoDataUrl)
{
    public static DocumentSeller Of(Firm firm) => new(firm.Name, firm.LegalIdentity, firm.PrimaryColor, firm.LogoDataUrl);
}

/// <summary>The client a document is addressed to. <paramref name="Legal"/> is null on invoices issued before it was kept.</summary>
public sealed record DocumentBuyer(string Name, string? Email, string? CompanyNumber, ClientLegalDetails? Legal = null)
{
    public static DocumentBuyer Of(ClientAccount client) => new(client.Name, client.BillingEmail, client.CompanyNumber, client.LegalDetails);

    /// <summary>A business client (it has a company number): French B2B mentions apply.</summary>
    public bool IsBusiness => CompanyNumber is not null;
}

public sealed record DocumentParties(DocumentSeller Seller, DocumentBuyer Buyer);

/// <summary>
/// What an issued invoice said about the firm and the client when it was issued (see decision 0017): taken in the
/// same save that issues it, so a later change of branding, bank account or client name does not rewrite an
/// invoice already sent. The lines and totals need no copy: an issued invoice is never edited.
/// </summary>
public sealed class IssuedInvoiceInputs : ITenantOwned
{
    private IssuedInvoiceInputs() { }

    public IssuedInvoiceInputs(Invoice invoice, DocumentParties parties, DateTimeOffset takenAt)
    {
        InvoiceId = invoice.Id;
        FirmId = invoice.FirmId;
        TakenAt = takenAt;
        Parties = JsonSerializer.Serialize(parties);
    }

    public Guid InvoiceId { get; private set; }
    public Guid FirmId { get; private set; }
    public DateTimeOffset TakenAt { get; private set; }
    /// <summary>The <see cref="DocumentParties"/> as JSON: one column that follows the record as it grows.</summary>
    public string Parties { get; private set; } = "";

    public DocumentParties Read() => JsonSerializer.Deserialize<DocumentParties>(Parties) ?? throw new InvalidOperationException($"The inputs of invoice {InvoiceId} are unreadable.");
}

internal sealed class IssuedInvoiceInputsConfiguration : IEntityTypeConfiguration<IssuedInvoiceInputs>
{
    public void Configure(EntityTypeBuilder<IssuedInvoiceInputs> inputs)
    {
        inputs.ToTable("IssuedInvoiceInputs");
        inputs.HasKey(i => i.InvoiceId);
        inputs.HasIndex(i => i.FirmId);
    }
}

/// <summary>
/// Takes an invoice's <see cref="IssuedInvoiceInputs"/> in the save that issues it, whoever issues it (staff, the
/// demo seed, a test), so no path can issue an invoice whose PDF would later follow the firm's new branding.
/// </summary>
internal sealed class IssuedInvoiceInputsInterceptor(TimeProvider clock) : ISaveChangesInterceptor
{
    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is PortalDbContext db)
            foreach (var invoice in JustIssued(db))
                db.Add(new IssuedInvoiceInputs(invoice, PartiesOf(db, invoice), clock.GetUtcNow()));
        return result;
    }

    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is PortalDbContext db)
            foreach (var invoice in JustIssued(db))
                db.Add(new IssuedInvoiceInputs(invoice, await PartiesOfAsync(db, invoice, cancellationToken), clock.GetUtcNow()));
        return result;
    }

    private static List<Invoice> JustIssued(PortalDbContext db)
    {
        // Changes were detected once for this save before the interceptors run (PortalDbContext.DetectChangesOnce).
        var taken = db.ChangeTracker.Entries<IssuedInvoiceInputs>().Select(e => e.Entity.InvoiceId).ToHashSet();
        return db.ChangeTracker.Entries<Invoice>()
            .Where(e => e.Entity.Status != InvoiceStatus.Draft && e.Entity.Number is not null && !taken.Contains(e.Entity.Id)
                && (e.State == EntityState.Added
                    || (e.State == EntityState.Modified && e.OriginalValues.GetValue<InvoiceStatus>(nameof(Invoice.Status)) == InvoiceStatus.Draft)))
            .Select(e => e.Entity)
            .ToList();
    }

    private static DocumentParties PartiesOf(PortalDbContext db, Invoice invoice)
    {
        var firm = db.ChangeTracker.Entries<Firm>().Select(e => e.Entity).FirstOrDefault(f => f.Id == invoice.FirmId)
            ?? db.Firms.IgnoreQueryFilters().AsNoTracking().Single(f => f.Id == invoice.FirmId);
        var client = db.ChangeTracker.Entries<ClientAccount>().Select(e => e.Entity).FirstOrDefault(c => c.Id == invoice.ClientAccountId)
            ?? db.ClientAccounts.IgnoreQueryFilters().AsNoTracking().Single(c => c.Id == invoice.ClientAccountId);
        return new DocumentParties(DocumentSeller.Of(firm), DocumentBuyer.Of(client));
    }

    private static async Task<DocumentParties> PartiesOfAsync(PortalDbContext db, Invoice invoice, CancellationToken cancellationToken)
    {
        var firm = db.ChangeTracker.Entries<Firm>().Select(e => e.Entity).FirstOrDefault(f => f.Id == invoice.FirmId)
            ?? await db.Firms.IgnoreQueryFilters().AsNoTracking().SingleAsync(f => f.Id == invoice.FirmId, cancellationToken);
        var client = db.ChangeTracker.Entries<ClientAccount>().Select(e => e.Entity).FirstOrDefault(c => c.Id == invoice.ClientAccountId)
            ?? await db.ClientAccounts.IgnoreQueryFilters().AsNoTracking().SingleAsync(c => c.Id == invoice.ClientAccountId, cancellationToken);
        return new DocumentParties(DocumentSeller.Of(firm), DocumentBuyer.Of(client));
    }
}
