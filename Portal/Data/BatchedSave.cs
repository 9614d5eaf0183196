using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Portal.Data;

/// <summary>Runs before a batched save writes, as EF's SavingChanges interceptors run before SaveChanges.</summary>
public interface IBatchedSaveInterceptor : IInterceptor
{
    /// <param name="newRows">The new rows handed to the save without being tracked (see <see cref="BatchedSave.SaveAsync"/>).</param>
    void SavingInBatch(PortalDbContext db, IReadOnlyList<object> newRows);
}

/// <summary>
/// Saves a context's new and changed rows with SQL built here rather than by EF Core's update pipeline: one
/// multi-row INSERT per table, one UPDATE per changed row guarded by its concurrency tokens, all sent in one
/// round trip on PostgreSQL. Money operations save this way (decision 0012): EF's pipeline is general (it
/// sorts commands, builds their SQL on every save, reads back generated values) and cost a money operation
/// more CPU than all its queries together.
/// What it writes is still read from EF's model (tables, columns, value conversions, parameter types), so it
/// cannot drift from the schema. What it does not handle goes through SaveChanges as before: deletions, rows
/// with values the database generates, owned types stored in their owner's row, inheritance.
/// A conflict surfaces as EF's own exceptions, so callers handle both paths alike: a guarded UPDATE that
/// matches no row throws <see cref="DbUpdateConcurrencyException"/>, a database refusal (unique key) a
/// <see cref="DbUpdateException"/> around the provider's exception.
/// Call it inside a transaction: the statements of one save are not atomic by themselves on SQLite.
/// </summary>
public static class BatchedSave
{
    private static readonly ConcurrentDictionary<IEntityType, TablePlan?> Plans = new();
    private static readonly ConcurrentDictionary<(TablePlan Plan, int Rows, bool Positional), string> InsertSql = new();

    /// <summary>
    /// Writes the context's changes. The context is spent afterwards: the saved entities stay marked as new or
    /// changed (telling EF otherwise would cost more than it is worth to a caller that commits and disposes),
    /// so dispose it rather than saving again.
    /// </summary>
    /// <param name="newRows">
    /// Rows to insert that the context does not track, each with the rows it holds in its collections (a payment's
    /// allocations, a transaction's postings): written as they are at this moment. Tracking them would only make EF
    /// take a snapshot of each and compare it again here, for rows that are never read back.
    /// </param>
    public static async Task SaveAsync(PortalDbContext db, IReadOnlyList<object> newRows, CancellationToken cancellationToken = default)
    {
        var autoDetect = db.DetectChangesOnce();
        try
        {
            foreach (var interceptor in db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors ?? [])
                if (interceptor is IBatchedSaveInterceptor batched)
                    batched.SavingInBatch(db, newRows);
            if (PendingChanges(db, newRows) is { } changes)
                await WriteAsync(db, changes, cancellationToken);
            else
            {
                // Something only EF's pipeline knows how to write: hand it everything.
                foreach (var row in newRows)
                    db.Add(row);
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private static async Task WriteAsync(PortalDbContext db, PendingRows changes, CancellationToken cancellationToken)
    {
        if (changes.Inserts.Count + changes.Updates.Count == 0)
            return;
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A batched save runs inside a transaction.");
        try
        {
            if (connection.CanCreateBatch)
                await WriteInOneBatchAsync(connection, transaction, changes, cancellationToken);
            else
                await WriteOneByOneAsync(connection, transaction, changes, cancellationToken);
        }
        catch (DbException refused)
        {
            throw new DbUpdateException("The database refused the changes; see the inner exception.", refused);
        }
    }

    /// <summary>The inserts grouped by table in an order that puts principals first, and the updates; null when some change needs EF's pipeline.</summary>
    private static PendingRows? PendingChanges(PortalDbContext db, IReadOnlyList<object> newRows)
    {
        var inserts = new SortedDictionary<(int Order, string Table), (TablePlan Plan, List<object?[]> Rows)>();
        var updates = new List<(TablePlan Plan, EntityEntry Row)>();
        void Insert(TablePlan plan, object?[] values)
        {
            var key = (plan.Order, plan.Table);
            if (!inserts.TryGetValue(key, out var group))
                inserts[key] = group = (plan, []);
            group.Rows.Add(values);
        }
        bool InsertUntracked(object row)
        {
            if (db.Model.FindEntityType(row.GetType()) is not { } type || Plans.GetOrAdd(type, TablePlan.For) is not { ReadsUntracked: true } plan)
                return false;
            Insert(plan, plan.ValuesOf(row));
            return plan.DependentsOf(row).All(InsertUntracked);
        }

        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached)
                continue;
            var plan = Plans.GetOrAdd(entry.Metadata, TablePlan.For);
            if (plan is null || entry.State is EntityState.Deleted)
                return null;
            if (entry.State is EntityState.Added)
                Insert(plan, plan.ValuesOf(entry));
            else
                updates.Add((plan, entry));
        }
        return newRows.All(InsertUntracked) ? new PendingRows([.. inserts.Values], updates) : null;
    }

    // PostgreSQL: every statement in one batch, parameters by position, one round trip.
    private static async Task WriteInOneBatchAsync(DbConnection connection, DbTransaction transaction, PendingRows changes, CancellationToken cancellationToken)
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        await using var parameterMaker = connection.CreateCommand();
        foreach (var (plan, rows) in changes.Inserts)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = InsertSql.GetOrAdd((plan, rows.Count, true), k => k.Plan.InsertSql(k.Rows, k.Positional));
            foreach (var row in rows)
                plan.AddInsertValues(row, parameterMaker, command.Parameters, positional: true);
            batch.BatchCommands.Add(command);
        }
        var firstUpdate = batch.BatchCommands.Count;
        foreach (var (plan, row) in changes.Updates)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = plan.UpdateSql(row, parameterMaker, command.Parameters, positional: true);
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        for (var i = firstUpdate; i < batch.BatchCommands.Count; i++)
            if (batch.BatchCommands[i].RecordsAffected != 1)
                throw Stale(changes.Updates[i - firstUpdate].Row);
    }

    // SQLite (in the same process, so a round trip costs little): one command per statement, named parameters.
    private static async Task WriteOneByOneAsync(DbConnection connection, DbTransaction transaction, PendingRows changes, CancellationToken cancellationToken)
    {
        foreach (var (plan, rows) in changes.Inserts)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = InsertSql.GetOrAdd((plan, rows.Count, false), k => k.Plan.InsertSql(k.Rows, k.Positional));
            foreach (var row in rows)
                plan.AddInsertValues(row, command, command.Parameters, positional: false);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var (plan, row) in changes.Updates)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = plan.UpdateSql(row, command, command.Parameters, positional: false);
            if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
                throw Stale(row);
        }
    }

    private static DbUpdateConcurrencyException Stale(EntityEntry row) =>
        new($"{row.Metadata.ClrType.Name} was changed by someone else since it was read.");

    private sealed record PendingRows(IReadOnlyList<(TablePlan Plan, List<object?[]> Rows)> Inserts, IReadOnlyList<(TablePlan Plan, EntityEntry Row)> Updates);

    /// <summary>How one entity type's rows are written: its table, its columns with their type mappings, its key and tokens.</summary>
    private sealed class TablePlan
    {
        private readonly IProperty[] _columns;
        private readonly string[] _columnNames;
        private readonly RelationalTypeMapping[] _mappings;
        private readonly int[] _keyColumns;
        private readonly int[] _tokenColumns;
        private readonly IClrPropertyGetter[] _getters;
        private readonly INavigation[] _dependents;

        private TablePlan(IEntityType type, string table, StoreObjectIdentifier store)
        {
            Table = Quote(table);
            Order = Depth(type, []);
            _columns = [.. type.GetProperties()];
            _columnNames = [.. _columns.Select(p => Quote(p.GetColumnName(store)!))];
            _mappings = [.. _columns.Select(p => (RelationalTypeMapping)p.GetTypeMapping())];
            _keyColumns = [.. type.FindPrimaryKey()!.Properties.Select(p => Array.IndexOf(_columns, p))];
            _tokenColumns = [.. _columns.Select((p, i) => (p, i)).Where(c => c.p.IsConcurrencyToken).Select(c => c.i)];
            _getters = [.. _columns.Where(p => !p.IsShadowProperty()).Select(p => p.GetGetter())];
            _dependents = [.. type.GetNavigations().Where(n => n.IsCollection && !n.IsOnDependent)];
        }

        public string Table { get; }

        /// <summary>Inserts run in this order: a table after every table it refers to.</summary>
        public int Order { get; }

        /// <summary>The plan for a type this writer handles; null for one that needs EF's pipeline.</summary>
        public static TablePlan? For(IEntityType type)
        {
            if (type.GetTableName() is not { } table || type.BaseType is not null || type.GetDirectlyDerivedTypes().Any() || type.FindPrimaryKey() is null)
                return null;
            // An owned type kept in its owner's row (or in JSON) is written as part of that row.
            if (type.IsOwned() && (type.IsMappedToJson() || type.FindOwnership()!.PrincipalEntityType.GetTableName() == table))
                return null;
            var store = StoreObjectIdentifier.Table(table, type.GetSchema());
            var generated = type.GetProperties().Any(p => p.GetDefaultValueSql(store) is not null || p.GetComputedColumnSql(store) is not null
                || p.ValueGenerated != ValueGenerated.Never && !(p.IsPrimaryKey() && p.ClrType == typeof(Guid)));
            return generated ? null : new TablePlan(type, table, store);
        }

        private static int Depth(IEntityType type, HashSet<IEntityType> seen)
        {
            if (!seen.Add(type))
                return 0;
            var principals = type.GetForeignKeys().Select(k => k.PrincipalEntityType).Where(p => p != type).ToList();
            var depth = principals.Count == 0 ? 0 : 1 + principals.Max(p => Depth(p, seen));
            seen.Remove(type);
            return depth;
        }

        public string InsertSql(int rows, bool positional)
        {
            var sql = new StringBuilder($"INSERT INTO {Table} ({string.Join(", ", _columnNames)}) VALUES ");
            for (var row = 0; row < rows; row++)
            {
                sql.Append(row == 0 ? "(" : ", (");
                for (var column = 0; column < _columns.Length; column++)
                    sql.Append(column == 0 ? "" : ", ").Append(Placeholder(row * _columns.Length + column, positional));
                sql.Append(')');
            }
            return sql.ToString();
        }

        /// <summary>Whether rows can be read from the objects alone: no column lives only in EF's tracker.</summary>
        public bool ReadsUntracked => _getters.Length == _columns.Length;

        public object?[] ValuesOf(EntityEntry row)
        {
            var current = row.CurrentValues;
            var values = new object?[_columns.Length];
            for (var column = 0; column < _columns.Length; column++)
                values[column] = current[_columns[column]];
            return values;
        }

        public object?[] ValuesOf(object row)
        {
            var values = new object?[_columns.Length];
            for (var column = 0; column < _columns.Length; column++)
                values[column] = _getters[column].GetClrValueUsingContainingEntity(row);
            return values;
        }

        /// <summary>The rows held in this row's collections that refer back to it (a payment's allocations).</summary>
        public IEnumerable<object> DependentsOf(object row)
        {
            foreach (var navigation in _dependents)
                if (navigation.GetGetter().GetClrValueUsingContainingEntity(row) is System.Collections.IEnumerable rows)
                    foreach (var dependent in rows)
                        yield return dependent;
        }

        public void AddInsertValues(object?[] values, DbCommand parameterMaker, DbParameterCollection parameters, bool positional)
        {
            for (var column = 0; column < _columns.Length; column++)
                parameters.Add(Parameter(column, values[column], parameterMaker, parameters.Count, positional));
        }

        /// <summary>SET the changed columns WHERE the key and every concurrency token still hold what was read.</summary>
        public string UpdateSql(EntityEntry row, DbCommand parameterMaker, DbParameterCollection parameters, bool positional)
        {
            var current = row.CurrentValues;
            var original = row.OriginalValues;
            var sql = new StringBuilder($"UPDATE {Table} SET ");
            var first = true;
            for (var column = 0; column < _columns.Length; column++)
            {
                if (!row.Property(_columns[column]).IsModified)
                    continue;
                sql.Append(first ? "" : ", ").Append(_columnNames[column]).Append(" = ").Append(Placeholder(parameters.Count, positional));
                parameters.Add(Parameter(column, current[_columns[column]], parameterMaker, parameters.Count, positional));
                first = false;
            }
            sql.Append(" WHERE ");
            first = true;
            foreach (var column in _keyColumns.Concat(_tokenColumns))
            {
                var value = original[_columns[column]];
                sql.Append(first ? "" : " AND ").Append(_columnNames[column]);
                if (value is null)
                    sql.Append(" IS NULL");
                else
                {
                    sql.Append(" = ").Append(Placeholder(parameters.Count, positional));
                    parameters.Add(Parameter(column, value, parameterMaker, parameters.Count, positional));
                }
                first = false;
            }
            return sql.ToString();
        }

        // The type mapping converts the value (enum to its name, Currency to its code…) and types the parameter as EF would.
        private DbParameter Parameter(int column, object? value, DbCommand parameterMaker, int index, bool positional) =>
            _mappings[column].CreateParameter(parameterMaker, positional ? "" : $"@p{index}", value, _columns[column].IsNullable);

        private static string Placeholder(int index, bool positional) => positional ? $"${index + 1}" : $"@p{index}";

        private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"")}\"";
    }
}
