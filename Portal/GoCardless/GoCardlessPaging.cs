namespace Portal.GoCardless;

// Cursor paging of a GoCardless list: Limit items per request (GoCardless allows 1–500), starting after or before
// a resource id. With Before set the list is walked backwards, towards newer items.
public sealed record GoCardlessPaging(int Limit = 50, string? After = null, string? Before = null)
{
    public static readonly GoCardlessPaging Default = new();
}
