using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Portal.Data;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.Domain.Wallets;

namespace Portal.Live;

/// <summary>Wakes the publisher as soon as live messages have committed, so pages hear of a change at once rather than at the next sweep.</summary>
public sealed class LiveSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    internal ChannelReader<bool> Reader => _channel.Reader;
}

/// <summary>
/// Writes the live outbox in the one place every change goes through: each SaveChanges that adds or changes a
/// payment, an invoice or a wallet also adds a <see cref="LiveMessage"/> for it, so the money services need not
/// remember to. The publisher is woken only once the messages are committed: right after SaveChanges, or after
/// the surrounding transaction commits (a money operation, an invoice issue); a rollback sends nothing.
/// </summary>
internal sealed class LiveOutboxInterceptor(LiveSignal signal, TimeProvider clock) : OutboxInterceptor
{
    protected override void Add(PortalDbContext db, IReadOnlyList<object> newRows)
    {
        var messages = LiveChanges.Of(db.ChangeTracker, newRows, clock.GetUtcNow());
        if (messages.Count == 0)
            return;
        db.LiveMessages.AddRange(messages);
        db.HasUncommittedLiveMessages = true;
    }

    protected override void Committed(DbContext context)
    {
        if (context is PortalDbContext { HasUncommittedLiveMessages: true } db)
        {
            db.HasUncommittedLiveMessages = false;
            signal.Notify();
        }
    }

    protected override void Forget(DbContext context)
    {
        if (context is PortalDbContext db)
            db.HasUncommittedLiveMessages = false;
    }
}

/// <summary>Which tracked changes open pages care about, one message per thing changed.</summary>
internal static class LiveChanges
{
    /// <param name="newRows">New rows a batched save writes without tracking them.</param>
    public static IReadOnlyList<LiveMessage> Of(ChangeTracker tracker, IReadOnlyList<object> newRows, DateTimeOffset now)
    {
        // Changes were detected once for this save before the interceptors run (PortalDbContext.DetectChangesOnce).
        var entries = tracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList();
        // A SaveChanges tried again on the same context (after a conflict) already holds its messages.
        var queued = entries.Select(e => e.Entity).OfType<LiveMessage>().Select(m => (m.Kind, m.SubjectId)).ToHashSet();
        var messages = new List<LiveMessage>();
        foreach (var (entity, deleted) in entries.Select(e => (e.Entity, e.State == EntityState.Deleted)).Concat(newRows.Select(row => (row, false))))
        {
            var message = entity switch
            {
                Payment payment => new LiveMessage(payment.FirmId, payment.ClientAccountId, LiveKind.Payment, payment.Id, payment.Status.ToString(), now),
                // A draft is the firm's work in progress: its contacts hear of the invoice once it is issued.
                Invoice invoice => new LiveMessage(invoice.FirmId, invoice.Status == InvoiceStatus.Draft ? null : invoice.ClientAccountId,
                    LiveKind.Invoice, invoice.Id, deleted ? "Deleted" : invoice.Status.ToString(), now),
                Wallet wallet => new LiveMessage(wallet.FirmId, wallet.ClientAccountId, LiveKind.Credit, wallet.Id, wallet.Balance.ToString(), now),
                Portal.DirectDebit.DirectDebitMandate mandate => new LiveMessage(mandate.FirmId, mandate.ClientAccountId, LiveKind.Mandate, mandate.Id, mandate.Status.ToString(), now),
                // A collection's charge date and mandate are stored apart from its payment, sometimes after it moved.
                // Staff only: the bell of each member of staff counts its own unread notices again.
                Portal.Notifications.StaffNotification notification => new LiveMessage(notification.FirmId, null, LiveKind.Notification, notification.Id,
                    notification.ReadAt is null ? "Unread" : "Read", now),
                Portal.DirectDebit.ScheduledCollection collection => new LiveMessage(collection.FirmId, collection.ClientAccountId, LiveKind.Payment, collection.PaymentId, "Scheduled", now),
                // An automatic card charge is saved apart from its payment, after it: planned, paid, declined or not made,
                // it changes what the invoice's pages and the client's "Automatic payment" panel show. Told as a change of
                // its invoice: a planned charge has no payment yet.
                Portal.CardOnFile.CardCharge charge => new LiveMessage(charge.FirmId, charge.ClientAccountId, LiveKind.Invoice, charge.InvoiceId, $"CardCharge{charge.Status}", now),
                _ => null,
            };
            if (message is not null && queued.Add((message.Kind, message.SubjectId)))
                messages.Add(message);
        }
        return messages;
    }
}
