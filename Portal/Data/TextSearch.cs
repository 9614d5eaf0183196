namespace Portal.Data;

/// <summary>
/// What the search boxes of the lists match: the words typed, as a "contains" pattern, case-insensitive.
/// On PostgreSQL the lists match with ILIKE, which the pg_trgm GIN indexes of the searched columns serve (created by
/// the PostgreSQL migration only): a number, a reference or a name is found from any part of it ("00042", "dupont"),
/// which a prefix index on normalised columns could not do, and a firm of 100,000 invoices is not scanned.
/// Terms under three characters have no trigram and read the whole index, still well within a page's time.
/// On SQLite (the embedded single-firm default) LIKE is already case-insensitive for ASCII and the tables are small.
/// </summary>
public static class TextSearch
{
    public const int MaxLength = 100;

    /// <summary>The typed term, trimmed and capped; null when there is nothing to look for.</summary>
    public static string? Term(string? typed)
    {
        var term = typed?.Trim();
        if (string.IsNullOrEmpty(term))
            return null;
        return term.Length > MaxLength ? term[..MaxLength] : term;
    }

    /// <summary>A LIKE pattern that matches the term anywhere, with the term's own % and _ taken literally (escape character \).</summary>
    public static string ContainsPattern(string term) =>
        "%" + term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    public const string Escape = "\\";
}
