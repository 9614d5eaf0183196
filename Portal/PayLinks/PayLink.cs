using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;

namespace Portal.PayLinks;

/// <summary>
/// The link in an invoice email (and on its PDF) that leads to paying it. Only the SHA-256 hash of its token is stored;
/// the token itself is a MAC of the id (<see cref="PayLinkTokens"/>), so the server can write it again. It works
/// again and again until it expires (60 days after the send that made it), is revoked (a later send, or an owner's
/// "revoke all pay links" on the client), or its invoice stops being payable (paid or voided: the invoice's own
/// status, changed in the same unit of work as the payment or the void, closes the link).
/// </summary>
public sealed class PayLink : IClientOwned
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(60);

    private PayLink() { }

    /// <param name="id">Chosen by the caller: the token is derived from it before the link exists.</param>
    /// <param name="sentByEntryId">The send that made it, or <see cref="Guid.Empty"/> for a link made for an invoice PDF.</param>
    public PayLink(Guid id, Invoice invoice, string tokenHash, string recipient, Guid sentByEntryId, DateTimeOffset now)
    {
        if (!invoice.AcceptsPayment)
            throw new DomainException("Only an invoice that is still due can be sent.");
        Id = id;
        FirmId = invoice.FirmId;
        ClientAccountId = invoice.ClientAccountId;
        InvoiceId = invoice.Id;
        TokenHash = tokenHash;
        Recipient = recipient;
        SentByEntryId = sentByEntryId;
        CreatedAt = now;
        ExpiresAt = now + Lifetime;
    }

    /// <summary>
    /// A link that pays several invoices of one client in one currency: the ones still owed when it is opened, not the
    /// ones owed when it was sent, so an invoice paid or voided since is simply no longer listed (decision 0033).
    /// </summary>
    /// <param name="id">Chosen by the caller: the token is derived from it before the link exists.</param>
    public static PayLink ForClient(Guid id, ClientAccount client, Currency currency, PayLinkScope scope, string tokenHash, string recipient, Guid sentByEntryId, DateTimeOffset now)
    {
        if (scope == PayLinkScope.Invoice)
            throw new ArgumentOutOfRangeException(nameof(scope), "A link for one invoice is made from the invoice.");
        return new PayLink
        {
            Id = id, FirmId = client.FirmId, ClientAccountId = client.Id, Scope = scope, Currency = currency,
            TokenHash = tokenHash, Recipient = recipient, SentByEntryId = sentByEntryId, CreatedAt = now, ExpiresAt = now + Lifetime,
        };
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    /// <summary>The one invoice the link pays; null for a link whose <see cref="Scope"/> is a set of the client's invoices.</summary>
    public Guid? InvoiceId { get; private set; }
    public PayLinkScope Scope { get; private set; }
    /// <summary>For a link over a set of the client's invoices: the currency they are in (one card payment has one).</summary>
    public Currency? Currency { get; private set; }
    public string TokenHash { get; private set; } = "";
    /// <summary>The address the link was emailed to; for a link made for a PDF, the client's invoice address then (or empty).</summary>
    public string Recipient { get; private set; } = "";
    /// <summary>The timeline entry of the send that made this link; empty when it was made for the invoice's PDF.</summary>
    public Guid SentByEntryId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public DateTimeOffset? FirstOpenedAt { get; private set; }
    public DateTimeOffset? LastOpenedAt { get; private set; }
    public int TimesOpened { get; private set; }

    public bool IsOpen(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;

    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;

    public void Opened(DateTimeOffset now)
    {
        FirstOpenedAt ??= now;
        LastOpenedAt = now;
        TimesOpened++;
    }
}

/// <summary>What a pay link pays: its one invoice, or the client's invoices in its currency that are overdue or open when it is opened.</summary>
public enum PayLinkScope { Invoice = 0, OverdueInvoices = 1, OpenInvoices = 2 }

internal sealed class PayLinkConfiguration : IEntityTypeConfiguration<PayLink>
{
    public void Configure(EntityTypeBuilder<PayLink> link)
    {
        link.ToTable("PayLinks");
        link.HasKey(l => l.Id);
        link.Property(l => l.TokenHash).HasMaxLength(64);
        link.Property(l => l.Recipient).HasMaxLength(254);
        link.HasIndex(l => l.TokenHash).IsUnique();
        link.HasIndex(l => l.InvoiceId);
        link.HasIndex(l => new { l.ClientAccountId, l.RevokedAt });
        link.HasOne<Invoice>().WithMany().HasForeignKey(l => l.InvoiceId).OnDelete(DeleteBehavior.Cascade);
        link.HasOne<ClientAccount>().WithMany().HasForeignKey(l => l.ClientAccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
