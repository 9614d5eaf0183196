using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Portal.Data;
using Portal.Domain.Reminders;

namespace Portal.Reminders;

/// <summary>
/// Inserts decided reminders with INSERT … ON CONFLICT DO NOTHING, many rows a statement: the unique (firm, key) index
/// drops those another sweep (another instance, or this one before a restart) already wrote, without an error that
/// would abort the rest. Columns and conversions come from EF's model, so both databases store them as EF would.
/// </summary>
internal static class ReminderRows
{
    private const int RowsPerStatement = 500;
    private const int RowsPerArrayStatement = 5000;
    private static (string Prefix, (IProperty Property, RelationalTypeMapping Mapping)[] Columns)? _shape;

    public static async Task<int> InsertNewAsync(PortalDbContext db, IReadOnlyList<Reminder> reminders, CancellationToken cancellationToken)
    {
        if (reminders.Count == 0)
            return 0;
        var (prefix, columns) = _shape ??= Shape(db.Model);
        var inserted = 0;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            if (db.Database.IsNpgsql())
            {
                foreach (var chunk in reminders.Chunk(RowsPerArrayStatement))
                    inserted += await InsertAsArraysAsync(connection, prefix, columns, chunk, cancellationToken);
                return inserted;
            }
            foreach (var chunk in reminders.Chunk(RowsPerStatement))
            {
                await using var command = connection.CreateCommand();
                var sql = new StringBuilder(prefix);
                for (var row = 0; row < chunk.Length; row++)
                {
                    sql.Append(row == 0 ? "(" : ", (");
                    for (var c = 0; c < columns.Length; c++)
                    {
                        var name = $"@p{row}_{c}";
                        sql.Append(c == 0 ? name : ", " + name);
                        var (property, mapping) = columns[c];
                        command.Parameters.Add(mapping.CreateParameter(command, name, property.GetGetter().GetClrValueUsingContainingEntity(chunk[row]), property.IsNullable));
                    }
                    sql.Append(')');
                }
                sql.Append(" ON CONFLICT DO NOTHING");
                command.CommandText = sql.ToString();
                inserted += await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return inserted;
    }

    /// <summary>
    /// PostgreSQL: one array per column and <c>unnest</c>, so a statement has as many parameters as the table has columns
    /// whatever the number of rows (thousands of scalar parameters cost more to bind and plan than the insert itself).
    /// </summary>
    private static async Task<int> InsertAsArraysAsync(DbConnection connection, string prefix, (IProperty Property, RelationalTypeMapping Mapping)[] columns,
        Reminder[] rows, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var names = new string[columns.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            var (property, mapping) = columns[c];
            var providerType = mapping.Converter?.ProviderClrType ?? property.ClrType;
            var elementType = property.IsNullable && providerType.IsValueType && Nullable.GetUnderlyingType(providerType) is null
                ? typeof(Nullable<>).MakeGenericType(providerType) : providerType;
            var values = Array.CreateInstance(elementType, rows.Length);
            var getter = property.GetGetter();
            for (var row = 0; row < rows.Length; row++)
            {
                var value = getter.GetClrValueUsingContainingEntity(rows[row]);
                values.SetValue(value is null || mapping.Converter is null ? value : mapping.Converter.ConvertToProvider(value), row);
            }
            var parameter = command.CreateParameter();
            parameter.ParameterName = names[c] = $"@a{c}";
            parameter.Value = values;
            command.Parameters.Add(parameter);
        }
        command.CommandText = prefix.Replace(" VALUES ", $" SELECT * FROM unnest({string.Join(", ", names)})", StringComparison.Ordinal) + " ON CONFLICT DO NOTHING";
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static (string, (IProperty, RelationalTypeMapping)[]) Shape(IModel model)
    {
        var type = model.FindEntityType(typeof(Reminder))!;
        var table = type.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, type.GetSchema());
        var columns = type.GetProperties().Select(p => (p, (RelationalTypeMapping)p.GetTypeMapping())).ToArray();
        return ($"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.p.GetColumnName(store)}\""))}) VALUES ", columns);
    }
}
