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
    public static int Skip(int page, int pageSize) => Math.Max(0, page) * pageSize;
}
