using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Data;

/// <summary>
/// Lets a LINQ query lock the rows it reads until the transaction ends, on PostgreSQL:
/// <c>query.TagWith(RowLocks.ForUpdate)</c> is sent with <c>FOR UPDATE</c> appended. EF Core has no operator for
/// it, and a raw SQL query (FromSql), the other way, cannot be compiled: money operations lock a client on
/// every run, so their lock is a compiled query.
/// </summary>
public sealed class RowLocks : DbCommandInterceptor
{
    public const string ForUpdate = "lock rows: for update";

    // EF writes a query's tags first, each as an SQL comment line.
    private const string Tagged = "-- " + ForUpdate;

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Lock(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Lock(command);
        return ValueTask.FromResult(result);
    }

    private static void Lock(DbCommand command)
    {
        if (command.CommandText.StartsWith(Tagged, StringComparison.Ordinal))
            command.CommandText += " FOR UPDATE";
    }
}
