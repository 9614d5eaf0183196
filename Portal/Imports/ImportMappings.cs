using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Imports;

namespace Portal.Imports;

/// <summary>Which file column feeds each field: the one the firm used last time for the same headers, else guessed from the headers.</summary>
public sealed class ImportMappings(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>The mapping to propose for a file with these headers: remembered columns first, the guess for the rest.</summary>
    public async Task<Dictionary<string, int>> SuggestAsync(ImportKind kind, IReadOnlyList<string> headers, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var remembered = await db.ImportColumnMappings.AsNoTracking().SingleOrDefaultAsync(m => m.Kind == kind, cancellationToken);
        var mapping = remembered?.ApplyTo(headers) ?? [];
        foreach (var (field, index) in ImportFields.Guess(kind, headers))
        {
            if (!mapping.ContainsKey(field) && !mapping.ContainsValue(index))
                mapping[field] = index;
        }
        return mapping;
    }

    /// <summary>Refuses a mapping that leaves a required field without a column, or gives one column to two fields.</summary>
    public static void EnsureComplete(ImportKind kind, IReadOnlyDictionary<string, int> mapping)
    {
        foreach (var field in ImportFields.Of(kind).Where(f => f.Required && !mapping.ContainsKey(f.Key)))
            throw new DomainException($"Choose the column that holds the field {field.Key}.");
        if (mapping.Values.Distinct().Count() != mapping.Count)
            throw new DomainException("A column can feed one field only.");
    }

    /// <summary>Keeps the mapping of a committed import for the firm's next one of the same kind, in the import's transaction.</summary>
    internal static async Task<ImportColumnMapping> RememberAsync(PortalDbContext db, Guid firmId, ImportKind kind, IReadOnlyDictionary<string, int> mapping,
        IReadOnlyList<string> headers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await db.ImportColumnMappings.SingleOrDefaultAsync(m => m.Kind == kind, cancellationToken);
        if (row is null)
        {
            row = new ImportColumnMapping(firmId, kind);
            db.ImportColumnMappings.Add(row);
        }
        row.Remember(mapping, headers, now);
        return row;
    }
}
