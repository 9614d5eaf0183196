namespace Portal.Webhooks;

/// <summary>
/// The one answer to a delivery Portal does not accept, whether no firm has that webhook URL connected or the
/// signature does not match: a caller must not learn which firm keys have a connection. The reason goes to the
/// server log only.
/// </summary>
public static class WebhookRefusal
{
    private const string Body = """{"type":"about:blank","title":"Refused","status":STATUS,"detail":"This delivery is not accepted at this address."}""";

    public static IResult Answer(int statusCode) =>
        Results.Content(Body.Replace("STATUS", statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
            "application/problem+json", statusCode: statusCode);
}
