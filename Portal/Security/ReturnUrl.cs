namespace Portal.Security;

/// <summary>
/// Where to send someone back after sign-in, a language switch or sign-out: a path on this portal, never another
/// site. Anything else (an absolute URL, <c>//host</c>, <c>/\host</c> that browsers read as <c>//host</c>, a scheme
/// such as <c>javascript:</c>) falls back to the portal's home rather than to an error.
/// </summary>
public static class ReturnUrl
{
    public const string Home = "/";

    /// <summary>A local path starting with "/" (a relative path such as <c>staff/clients</c> gets one), or <see cref="Home"/>.</summary>
    public static string LocalOrHome(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > 2048 || url.Any(c => c == '\\' || char.IsControl(c)))
            return Home;
        if (url[0] == '/')
            return url.Length > 1 && url[1] == '/' ? Home : url;
        // A relative path: no scheme may come before its first separator ("javascript:…", "https:…").
        var firstSeparator = url.IndexOfAny(['/', '?', '#']);
        var head = firstSeparator < 0 ? url : url[..firstSeparator];
        return head.Contains(':', StringComparison.Ordinal) ? Home : "/" + url;
    }
}
