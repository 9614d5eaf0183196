using System.Net;

namespace Portal.GoCardless;

/// <summary>Tells "GoCardless could not be reached or did not answer properly" (worth a retry) from everything else.</summary>
public static class GoCardlessReachability
{
    public static bool IsUnreachable(Exception error) => error switch
    {
        HttpRequestException or TimeoutException or System.Text.Json.JsonException => true,
        // HttpClient's own timeout surfaces as a cancellation whose inner exception is a TimeoutException.
        TaskCanceledException { InnerException: TimeoutException } => true,
        GoCardlessApiException api => (int)api.Status >= 500 || api.Status == HttpStatusCode.TooManyRequests,
        _ => false,
    };
}
