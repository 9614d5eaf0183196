using System.Text;

namespace Portal.Webhooks;

/// <summary>Reads a webhook body as the exact text that was signed, refusing anything over a limit.</summary>
public static class WebhookBody
{
    /// <summary>Providers always send JSON: any other content type is refused before the body is read.</summary>
    public static IResult NotJson() =>
        Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Webhook events are sent as application/json.");

    /// <summary>The body as UTF-8 text, or null when it is longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<string?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            // Chunked bodies have no length up front: stop as soon as the limit is passed.
            if (buffer.Length + read > maxBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
