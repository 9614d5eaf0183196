using System.Net;
using System.Text.RegularExpressions;
using Portal.Demo;

namespace Portal.Bench;

/// <summary>Signing in as a person does, through the real /Account/Login form, for the cookies other clients of the app then carry.</summary>
internal static partial class BenchSignIn
{
    public static async Task<CookieContainer> SignInAsync(Uri baseUrl, string email)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        var form = await http.GetStringAsync("/Account/Login");
        // The antiforgery token and handler name travel in hidden fields, as in the browser.
        var fields = HiddenInput().Matches(form)
            .Select(input => (Name: NameAttribute().Match(input.Value), Value: ValueAttribute().Match(input.Value)))
            .Where(f => f.Name.Success)
            .ToDictionary(f => WebUtility.HtmlDecode(f.Name.Groups[1].Value), f => f.Value.Success ? WebUtility.HtmlDecode(f.Value.Groups[1].Value) : "");
        fields["_handler"] = "login";
        fields["Input.Email"] = email;
        fields["Input.Password"] = DemoData.Password;
        using var response = await http.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));
        if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found))
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return cookies;
    }

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();

    [GeneratedRegex("name=\"([^\"]*)\"")]
    private static partial Regex NameAttribute();

    [GeneratedRegex("value=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();
}
