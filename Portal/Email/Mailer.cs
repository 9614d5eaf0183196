using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Localization;

namespace Portal.Email;

/// <summary>
/// Queues an email in the caller's unit of work (<see cref="PortalDbContext"/>); it leaves only once the
/// caller's SaveChanges has committed and <see cref="EmailSignal"/> has woken the dispatcher.
/// </summary>
public sealed class Mailer(TimeProvider clock, EmailSignal signal, HeldSecretLinks held, IStringLocalizer<Text> T)
{
    public void Queue(PortalDbContext db, Guid firmId, string to, string subject, string text, string? linkUrl = null, string? linkLabel = null)
    {
        var body = Body(text, linkUrl, linkLabel);
        db.Add(new EmailMessage(firmId, to, subject, body.Text, body.Html, clock.GetUtcNow()));
    }

    /// <summary>
    /// Queues an email with an idempotency key in the caller's open transaction; true when it was queued, false when
    /// an email with that key was queued before (by this run, an earlier one, or another instance at the same
    /// moment). The database's unique (firm, key) index decides, with INSERT … ON CONFLICT DO NOTHING: a read
    /// first would let two instances both see "not yet", and a plain insert that fails would abort the caller's
    /// whole transaction on PostgreSQL. The row is written at once, so it commits or rolls back with the caller.
    /// </summary>
    public async Task<bool> QueueOnceAsync(PortalDbContext db, EmailMessage message, CancellationToken cancellationToken = default)
    {
        if (message.IdempotencyKey is null)
            throw new ArgumentException("An email queued once needs its idempotency key.", nameof(message));
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Queue an email once inside the transaction of the change that causes it.");
        var insert = InsertOnce.For(db.Model);
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = insert.Sql;
        for (var i = 0; i < insert.Columns.Length; i++)
        {
            var column = insert.Columns[i];
            command.Parameters.Add(column.Mapping.CreateParameter(command, $"@p{i}", column.Property.GetGetter().GetClrValueUsingContainingEntity(message), column.Property.IsNullable));
        }
        var queued = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        if (queued)
            EmailCommitSignal.MarkQueued(db);
        return queued;
    }

    /// <summary>
    /// Queues an email whose link is a key (sign-in, password reset, invitation). The stored copy, which staff see on
    /// Sent emails, says "[secure link hidden]" instead; the real one is held in memory until it is delivered
    /// (<see cref="HeldSecretLinks"/>). Call inside the recipient's culture: the hidden-link text is translated.
    /// </summary>
    public void QueueWithSecretLink(PortalDbContext db, Guid firmId, string to, string subject, string text, string secretUrl, string linkLabel)
    {
        var hidden = T["SecureLinkHidden"].Value;
        var stored = new EmailMessage(firmId, to, subject, $"{text}\n\n{linkLabel}: {hidden}",
            $"{Paragraph(text)}<p>{WebUtility.HtmlEncode(linkLabel)}: {WebUtility.HtmlEncode(hidden)}</p>", clock.GetUtcNow());
        QueueHoldingSecretLink(db, stored, Body(text, secretUrl, linkLabel));
    }

    /// <summary>
    /// As <see cref="QueueWithSecretLink"/> for an email already rendered (from a template) twice: <paramref name="stored"/>
    /// with the link hidden, for Sent emails, and <paramref name="real"/> with it, held for the mailbox only.
    /// </summary>
    public void QueueHoldingSecretLink(PortalDbContext db, EmailMessage stored, DeliverableBody real)
    {
        stored.HoldForSender();
        held.Hold(stored.Id, real);
        db.Add(stored);
    }

    /// <summary>Call after SaveChanges so mail goes out without waiting for the next sweep.</summary>
    public void Flush() => signal.Notify();

    private static DeliverableBody Body(string text, string? linkUrl, string? linkLabel) => new(
        linkUrl is null ? text : $"{text}\n\n{linkLabel ?? "Link"}: {linkUrl}",
        Paragraph(text) + (linkUrl is null ? "" : $"<p><a href=\"{WebUtility.HtmlEncode(linkUrl)}\">{WebUtility.HtmlEncode(linkLabel ?? linkUrl)}</a></p>"));

    private static string Paragraph(string text) => $"<p>{WebUtility.HtmlEncode(text).Replace("\n", "<br>", StringComparison.Ordinal)}</p>";

    /// <summary>The INSERT … ON CONFLICT DO NOTHING for an email row, with columns and conversions read from EF's model.</summary>
    private sealed record InsertOnce(string Sql, (IProperty Property, RelationalTypeMapping Mapping)[] Columns)
    {
        private static InsertOnce? _cached;

        public static InsertOnce For(IModel model)
        {
            if (_cached is { } cached)
                return cached;
            var type = model.FindEntityType(typeof(EmailMessage))!;
            var table = type.GetTableName()!;
            var store = StoreObjectIdentifier.Table(table, type.GetSchema());
            var columns = type.GetProperties().Select(p => (p, (RelationalTypeMapping)p.GetTypeMapping())).ToArray();
            // Both PostgreSQL and SQLite (3.24+) take ON CONFLICT DO NOTHING without a target.
            var sql = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.p.GetColumnName(store)}\""))}) " +
                $"VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))}) ON CONFLICT DO NOTHING";
            return _cached = new InsertOnce(sql, columns);
        }
    }
}
