using System.Text.Json;
using Portal.Domain;
using Portal.Domain.Imports;

namespace Portal.Imports;

/// <summary>
/// The columns a firm last mapped to each field for one kind of import, by header text, so the next file from the
/// same tool maps itself whatever the order of its columns.
/// </summary>
public sealed class ImportColumnMapping : ITenantOwned
{
    private ImportColumnMapping() { }

    public ImportColumnMapping(Guid firmId, ImportKind kind)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        Kind = kind;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public ImportKind Kind { get; private set; }
    /// <summary>Field key to header text, as JSON.</summary>
    public string Columns { get; private set; } = "{}";
    public DateTimeOffset UpdatedAt { get; private set; }

    public IReadOnlyDictionary<string, string> Headers => JsonSerializer.Deserialize<Dictionary<string, string>>(Columns) ?? [];

    public void Remember(IReadOnlyDictionary<string, int> mapping, IReadOnlyList<string> headers, DateTimeOffset now)
    {
        Columns = JsonSerializer.Serialize(mapping.Where(m => m.Value >= 0 && m.Value < headers.Count)
            .OrderBy(m => m.Key, StringComparer.Ordinal).ToDictionary(m => m.Key, m => headers[m.Value]));
        UpdatedAt = now;
    }

    /// <summary>The remembered mapping applied to a new file's headers: a remembered header the file lacks is left unmapped.</summary>
    public Dictionary<string, int> ApplyTo(IReadOnlyList<string> headers)
    {
        var mapping = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (field, header) in Headers)
        {
            var index = headers.ToList().FindIndex(h => string.Equals(h.Trim(), header.Trim(), StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
                mapping[field] = index;
        }
        return mapping;
    }
}
