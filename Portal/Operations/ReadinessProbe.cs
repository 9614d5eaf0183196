namespace Portal.Operations;

/// <summary>
/// The container's health check, <c>dotnet Portal.dll probe http://localhost:8080/health/ready</c>: the runtime image
/// has no curl, and this asks the running app the same question an orchestrator would. Exit code 0 when it answers 2xx.
/// </summary>
public static class ReadinessProbe
{
    public static async Task<int> RunAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            return 1;
        }
    }
}
