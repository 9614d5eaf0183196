using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data;
using Portal.Domain.EInvoicing;
using Portal.Domain.Invoices;

namespace Portal.EInvoicing;

/// <summary>Wakes the platform dispatcher once a submission has committed, so a document leaves at once rather than at the next sweep.</summary>
public sealed class EInvoicingSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    internal ChannelReader<bool> Reader => _channel.Reader;
}

/// <summary>
/// Adds the <see cref="EInvoicingSubmission"/> of a document in the save that issues it: an invoice leaving draft, or
/// a numbered credit note, from a firm connected to a platform, to a client the law puts under e-invoicing on that
/// date. In the same transaction as the issue, so a rollback sends nothing and every issuing path (page, API,
/// recurring run) is covered without remembering to.
/// </summary>
internal sealed class EInvoicingSubmissionInterceptor(EInvoicingSignal signal, TimeProvider clock) : OutboxInterceptor
{
    private static readonly ConditionalWeakTable<DbContext, object> Added = [];

    protected override void Add(PortalDbContext db, IReadOnlyList<object> newRows)
    {
        var documents = new List<(Guid FirmId, SubmittedDocumentKind Kind, Guid Id, Guid InvoiceId, Guid ClientId, string Number, DateOnly Date)>();
        foreach (var entry in db.ChangeTracker.Entries<Invoice>().Where(e => e.State is EntityState.Added or EntityState.Modified))
        {
            var invoice = entry.Entity;
            var was = entry.State == EntityState.Added ? InvoiceStatus.Draft : entry.Property(i => i.Status).OriginalValue;
            if (was == InvoiceStatus.Draft && invoice.Status is not InvoiceStatus.Draft and not InvoiceStatus.Void && invoice.Number is { } number)
                documents.Add((invoice.FirmId, SubmittedDocumentKind.Invoice, invoice.Id, invoice.Id, invoice.ClientAccountId, number, invoice.IssueDate));
        }
        foreach (var note in db.ChangeTracker.Entries<CreditNote>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).Concat(newRows.OfType<CreditNote>()))
            if (note.Number.Length > 0)
                documents.Add((note.FirmId, SubmittedDocumentKind.CreditNote, note.Id, note.InvoiceId, note.ClientAccountId, note.Number, note.Date));
        foreach (var invoice in newRows.OfType<Invoice>())
            if (invoice.Status is not InvoiceStatus.Draft and not InvoiceStatus.Void && invoice.Number is { } number)
                documents.Add((invoice.FirmId, SubmittedDocumentKind.Invoice, invoice.Id, invoice.Id, invoice.ClientAccountId, number, invoice.IssueDate));
        if (documents.Count == 0)
            return;

        // Issuing is rare next to other saves: the look-ups below run only for a save that issues something.
        var already = db.ChangeTracker.Entries<EInvoicingSubmission>().Select(e => e.Entity.DocumentId).ToHashSet();
        var now = clock.GetUtcNow();
        var added = false;
        foreach (var firmDocuments in documents.GroupBy(d => d.FirmId))
        {
            var firmId = firmDocuments.Key;
            if (!db.PlatformConnections.IgnoreQueryFilters().Any(c => c.FirmId == firmId))
                continue;
            var firm = db.Firms.IgnoreQueryFilters().AsNoTracking().Single(f => f.Id == firmId).LegalIdentity;
            foreach (var document in firmDocuments.Where(d => already.Add(d.Id)))
            {
                var clientKind = db.ClientAccounts.IgnoreQueryFilters().Where(c => c.Id == document.ClientId).Select(c => c.Kind).Single();
                var obligation = EInvoicingObligation.For(firm, clientKind, document.Date);
                if (obligation is not { Kind: ObligationKind.EInvoicing, InForce: true })
                    continue;
                db.EInvoicingSubmissions.Add(new EInvoicingSubmission(firmId, document.Kind, document.Id, document.InvoiceId, document.Number, now));
                added = true;
            }
        }
        if (added)
            Added.AddOrUpdate(db, true);
    }

    protected override void Committed(DbContext context)
    {
        if (Added.Remove(context))
            signal.Notify();
    }

    protected override void Forget(DbContext context) => Added.Remove(context);
}

internal sealed class EInvoicingSubmissionConfiguration : IEntityTypeConfiguration<EInvoicingSubmission>
{
    public void Configure(EntityTypeBuilder<EInvoicingSubmission> submission)
    {
        submission.ToTable("EInvoicingSubmissions");
        submission.HasKey(s => s.Id);
        submission.HasOne<Portal.Domain.Firms.Firm>().WithMany().HasForeignKey(s => s.FirmId).OnDelete(DeleteBehavior.Cascade);
        // One submission per document, whatever instance or retry adds it: the platform's trackingId is this id.
        submission.HasIndex(s => s.DocumentId).IsUnique();
        submission.HasIndex(s => new { s.FirmId, s.InvoiceId });
        submission.HasIndex(s => new { s.State, s.NextAttemptAt });
        submission.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        submission.Property(s => s.State).HasConversion<string>().HasMaxLength(30);
        submission.Property(s => s.DocumentNumber).HasMaxLength(64);
        submission.Property(s => s.FlowId).HasMaxLength(100);
        submission.Property(s => s.Problem).HasMaxLength(1000);
        submission.HasMany(s => s.Statuses).WithOne().HasForeignKey(s => s.SubmissionId).OnDelete(DeleteBehavior.Cascade);
        submission.Navigation(s => s.Statuses).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class EInvoicingStatusConfiguration : IEntityTypeConfiguration<EInvoicingStatus>
{
    public void Configure(EntityTypeBuilder<EInvoicingStatus> status)
    {
        status.ToTable("EInvoicingStatuses");
        status.HasKey(s => s.Id);
        // Made by the domain when a status arrives: a status found on the submission's collection is a new row, never an update.
        status.Property(s => s.Id).ValueGeneratedNever();
        status.HasIndex(s => new { s.SubmissionId, s.Code, s.At }).IsUnique();
        status.Property(s => s.Reason).HasMaxLength(1000);
    }
}
