using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Data;

/// <summary>
/// An outbox written where every change goes through: each SaveChanges (or batched save) adds the outbox rows for what
/// it changes, in its own transaction, and the sender is woken only once they are committed: right after SaveChanges
/// when no transaction surrounds it, or when the surrounding transaction commits. A rollback wakes nothing. The live
/// updates and the outgoing webhooks are two such outboxes.
/// </summary>
internal abstract class OutboxInterceptor : ISaveChangesInterceptor, IDbTransactionInterceptor, IBatchedSaveInterceptor
{
    /// <summary>Adds this save's outbox rows to <paramref name="db"/>; <paramref name="newRows"/> are rows a batched save writes untracked.</summary>
    protected abstract void Add(PortalDbContext db, IReadOnlyList<object> newRows);

    /// <summary>The context's rows are committed: wake the sender if it added any.</summary>
    protected abstract void Committed(DbContext context);

    /// <summary>The context's transaction rolled back: its rows are gone, nothing to send.</summary>
    protected abstract void Forget(DbContext context);

    public void SavingInBatch(PortalDbContext db, IReadOnlyList<object> newRows) => Add(db, newRows);

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        AddTo(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        AddTo(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        CommittedUnlessInTransaction(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        CommittedUnlessInTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => CommittedIfAny(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        CommittedIfAny(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => ForgetIfAny(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetIfAny(eventData.Context);
        return Task.CompletedTask;
    }

    private void AddTo(DbContext? context)
    {
        if (context is PortalDbContext db)
            Add(db, []);
    }

    private void CommittedUnlessInTransaction(DbContext? context)
    {
        if (context is not null && context.Database.CurrentTransaction is null)
            Committed(context);
    }

    private void CommittedIfAny(DbContext? context)
    {
        if (context is not null)
            Committed(context);
    }

    private void ForgetIfAny(DbContext? context)
    {
        if (context is not null)
            Forget(context);
    }
}
