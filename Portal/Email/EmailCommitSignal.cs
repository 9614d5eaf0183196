using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Email;

/// <summary>
/// Wakes the dispatcher when a transaction that queued emails once (<see cref="Mailer.QueueOnceAsync"/>) commits,
/// so a receipt leaves at once after a webhook rather than at the next sweep; a rollback wakes nothing.
/// </summary>
internal sealed class EmailCommitSignal(EmailSignal signal) : IDbTransactionInterceptor
{
    private static readonly ConditionalWeakTable<DbContext, object> Queued = [];

    public static void MarkQueued(DbContext db) => Queued.AddOrUpdate(db, true);

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && Queued.Remove(context))
            signal.Notify();
    }

    private static void Forget(DbContext? context)
    {
        if (context is not null)
            Queued.Remove(context);
    }
}
