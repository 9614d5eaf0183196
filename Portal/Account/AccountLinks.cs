using Microsoft.AspNetCore.Components;

namespace Portal.Account;

/// <summary>
/// Absolute links for emails. <c>Portal:PublicBaseUrl</c> wins when set (behind a proxy, or to stop a forged
/// Host header from steering a reset link elsewhere); otherwise the address the request or circuit came in on.
/// </summary>
public sealed class AccountLinks(IConfiguration configuration, NavigationManager navigation, IHttpContextAccessor http)
{
    public string To(string relativePath) => BaseUrl().TrimEnd('/') + "/" + relativePath.TrimStart('/');

    /// <summary>
    /// As <see cref="To"/>, also from a background job (a sweep, a generator) where no request or circuit gives an
    /// address: the configured public one then, or the development address.
    /// </summary>
    public string ToFromAnywhere(string relativePath)
    {
        try
        {
            return To(relativePath);
        }
        catch (InvalidOperationException)
        {
            var baseUrl = configuration["Portal:PublicBaseUrl"] is { Length: > 0 } configured ? configured.TrimEnd('/') : "http://localhost:5080";
            return $"{baseUrl}/{relativePath.TrimStart('/')}";
        }
    }

    private string BaseUrl()
    {
        if (configuration["Portal:PublicBaseUrl"] is { Length: > 0 } configured)
            return configured;
        try
        {
            return navigation.BaseUri;
        }
        catch (InvalidOperationException)
        {
            // Outside a component (a minimal API endpoint) the navigation manager is not initialised.
        }
        var request = http.HttpContext?.Request ?? throw new InvalidOperationException("No request to build a link from; set Portal:PublicBaseUrl.");
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}
