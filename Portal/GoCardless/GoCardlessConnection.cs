namespace Portal.GoCardless;

// One creditor's access: where its API is and its access token. ToString never shows the token.
public sealed record GoCardlessConnection
{
    public GoCardlessConnection(Uri baseUrl, string accessToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessToken);

        // Relative paths resolve below the base only when it ends with a slash (…/sandbox/gocardless/ + payments).
        BaseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        AccessToken = accessToken;
    }

    public Uri BaseUrl { get; }

    public string AccessToken { get; }

    // "sandbox_…9f2c": enough to tell tokens apart in a log, useless to anyone reading it.
    public string MaskedToken => MaskToken(AccessToken);

    public static string MaskToken(string token)
    {
        var prefix = token.IndexOf('_') is var underscore and > 0 and < 12 ? token[..(underscore + 1)] : "";
        var tail = token.Length >= 16 ? token[^4..] : "";
        return $"{prefix}…{tail}";
    }

    public override string ToString() => $"{BaseUrl} ({MaskedToken})";
}
