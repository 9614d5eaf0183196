using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Tests.Fixture;

/// <summary>A browser-less visitor: an HttpClient with its own cookies, that can fill in server-rendered forms.</summary>
public sealed partial class PortalSession(Uri baseUrl) : IDisposable
{
    private readonly CookieContainer _cookies = new();
    private HttpClient? _http;

    private HttpClient Client => _http ??= new(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false }) { BaseAddress = baseUrl };

    public HttpClient Http => Client;

    /// <summary>The session's cookies (the sign-in cookie among them), for other clients of the app such as a hub connection.</summary>
    public CookieContainer Cookies => _cookies;

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(path);

    public async Task<(HttpStatusCode Status, string Html)> GetPageAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// GETs the page, takes the hidden fields of the form named <paramref name="formName"/> (antiforgery token,
    /// handler name) and posts them back with <paramref name="fields"/>, as a browser would.
    /// </summary>
    public async Task<HttpResponseMessage> SubmitFormAsync(string path, string formName, Dictionary<string, string> fields)
    {
        var html = await Client.GetStringAsync(path);
        var values = HiddenFields(html);
        values["_handler"] = formName;
        foreach (var (key, value) in fields)
            values[key] = value;
        return await Client.PostAsync(path, new FormUrlEncodedContent(values));
    }

    private static Dictionary<string, string> HiddenFields(string html)
    {
        var values = new Dictionary<string, string>();
        foreach (Match input in HiddenInput().Matches(html))
        {
            var name = NameAttribute().Match(input.Value);
            var value = ValueAttribute().Match(input.Value);
            if (name.Success)
                values[WebUtility.HtmlDecode(name.Groups[1].Value)] = value.Success ? WebUtility.HtmlDecode(value.Groups[1].Value) : "";
        }
        return values;
    }

    public void Dispose() => _http?.Dispose();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();

    [GeneratedRegex("name=\"([^\"]*)\"")]
    private static partial Regex NameAttribute();

    [GeneratedRegex("value=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();
}
