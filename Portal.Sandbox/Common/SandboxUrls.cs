using Microsoft.AspNetCore.Http;

namespace Portal.Sandbox.Common;

public static class SandboxUrls
{
    // Absolute URLs handed to the app (checkout url, authorisation_url) follow the host the app called,
    // so the same sandbox works behind a reverse proxy or on a random test port.
    public static string BaseUrl(this HttpRequest request) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}";
}
