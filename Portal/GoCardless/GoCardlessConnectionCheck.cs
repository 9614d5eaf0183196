namespace Portal.GoCardless;

public sealed record GoCardlessConnectionCheckResult(bool IsWorking, string? CreditorId, string? CreditorName, string? Problem, string? SepaCreditorId = null);

// "Test connection" for an owner pasting an access token: reads the creditor and says plainly what is wrong.
public sealed class GoCardlessConnectionCheck(GoCardlessClients clients)
{
    public async Task<GoCardlessConnectionCheckResult> CheckAsync(GoCardlessEnvironment environment, string accessToken, CancellationToken cancellationToken = default)
    {
        try
        {
            var client = clients.For(environment, accessToken);
            var creditor = await client.ListCreditorsAsync(new GoCardlessPaging(Limit: 1), cancellationToken).FirstOrDefaultAsync(cancellationToken);
            return creditor is null
                ? new(false, null, null, "The access token works but sees no creditor; finish the GoCardless account setup first.")
                : new(true, creditor.Id, creditor.Name, null, creditor.SepaCreditorIdentifier);
        }
        catch (ArgumentException wrongEnvironment)
        {
            return new(false, null, null, wrongEnvironment.Message);
        }
        catch (GoCardlessApiException refused) when (refused.Kind == GoCardlessErrorKind.Authentication)
        {
            return new(false, null, null, "GoCardless refused the access token: check that it is complete, not revoked, and has read-write access.");
        }
        catch (GoCardlessApiException refused)
        {
            return new(false, null, null, $"GoCardless answered: {refused.ApiMessage} (request {refused.RequestId}).");
        }
        catch (HttpRequestException unreachable)
        {
            return new(false, null, null, $"GoCardless could not be reached: {unreachable.Message}");
        }
    }
}
