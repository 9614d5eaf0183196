namespace Portal.Data;

/// <summary>One page of a staff or client list, and how many rows match in all (the count the page shows).</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Rows, int Total);

/// <summary>The page sizes a person may pick on every list, and what a list falls back to.</summary>
public static class ListPaging
{
    public const int DefaultPageSize = 50;

    public static readonly int[] PageSizes = [25, 50, 100];

    /// <summary>A page size from a URL or a form: anything but the sizes offered becomes the default, so no one asks for a million rows.</summary>
    public static int PageSize(int requested) => Array.IndexOf(PageSizes, requested) >= 0 ? requested : DefaultPageSize;

    /// <summary>Rows skipped before a page; negative pages are the first page.</summary>
    public static int Skip(int page, int pageSize) => (int)Math.Min(int.MaxValue, (long)Math.Max(0, page) * pageSize);
}

/// <summary>
/// Values read from a list's URL. Blazor answers a query parameter it cannot convert with an error page, so the lists
/// take them as text and read them here: a value that does not parse is as if it were absent.
/// </summary>
public static class QueryText
{
    public static int? Int(string? value) => int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;

    public static bool? Bool(string? value) => bool.TryParse(value, out var flag) ? flag : null;

    public static Guid? Id(string? value) => Guid.TryParse(value, out var id) ? id : null;
}
