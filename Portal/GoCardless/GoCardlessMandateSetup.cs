using Portal.Domain;

namespace Portal.GoCardless;

// One attempt of a client to sign a direct-debit mandate. AttemptId makes the GoCardless calls idempotent, so a
// double click or a retried request starts one setup, not two.
public sealed record MandateSetupRequest(
    Guid AttemptId,
    Guid ClientAccountId,
    Currency Currency,
    Uri RedirectUri,
    Uri ExitUri,
    GoCardlessPrefilledCustomer? Payer = null,
    string? GoCardlessCustomerId = null);

// Where to send the payer; keep BillingRequestId to find the mandate afterwards (the redirect may not carry it).
public sealed record MandateSetupLink(string BillingRequestId, Uri AuthorisationUrl, DateTimeOffset ExpiresAt);

// What Portal keeps of a mandate: never full bank details, only what lets a client recognise the account.
public sealed record MandateSummary(
    string MandateId,
    string CustomerId,
    GoCardlessScheme Scheme,
    Currency? Currency,
    GoCardlessMandateStatus Status,
    DateOnly? NextPossibleChargeDate,
    string? BankName,
    string? AccountNumberEnding,
    string? Reference = null);

// The first direct debit of a client: a billing request with only a mandate request, then GoCardless's hosted flow.
public static class GoCardlessMandateSetup
{
    public const string ClientAccountMetadataKey = "portal_client_account";

    public static async Task<MandateSetupLink> StartAsync(GoCardlessClient client, MandateSetupRequest setup, CancellationToken cancellationToken = default)
    {
        var metadata = new Dictionary<string, string> { [ClientAccountMetadataKey] = setup.ClientAccountId.ToString() };
        var request = await client.CreateBillingRequestAsync(
            new NewBillingRequest(new NewMandateRequest(setup.Currency, Metadata: metadata), CustomerId: setup.GoCardlessCustomerId, Metadata: metadata),
            $"mandate-setup-{setup.AttemptId:N}",
            cancellationToken);

        // A flow cannot be read back, so a repeated start gets a fresh link to the same billing request rather than a
        // 409: any of the links leads to the one mandate.
        var flow = await client.CreateBillingRequestFlowAsync(
            new NewBillingRequestFlow(request.Id, setup.RedirectUri, setup.ExitUri, setup.GoCardlessCustomerId is null ? setup.Payer : null),
            $"mandate-flow-{setup.AttemptId:N}-{Guid.NewGuid():N}",
            cancellationToken);
        return new MandateSetupLink(request.Id, flow.AuthorisationUrl!, flow.ExpiresAt);
    }

    // After billing_requests.fulfilled (or when the payer comes back): the mandate the flow created, or null while
    // the payer has not finished.
    public static async Task<MandateSummary?> CompletedMandateAsync(GoCardlessClient client, string billingRequestId, CancellationToken cancellationToken = default)
    {
        var request = await client.GetBillingRequestAsync(billingRequestId, cancellationToken);
        if (request.Status != GoCardlessBillingRequestStatus.Fulfilled || request.Links.MandateRequestMandate is not { } mandateId)
        {
            return null;
        }

        var mandate = await client.GetMandateAsync(mandateId, cancellationToken);
        var bankAccount = mandate.Links.CustomerBankAccount is { } bankAccountId
            ? await client.GetCustomerBankAccountAsync(bankAccountId, cancellationToken)
            : null;
        return new MandateSummary(mandate.Id, mandate.Links.Customer ?? request.Links.Customer ?? "", mandate.Scheme, mandate.Currency, mandate.Status,
            mandate.NextPossibleChargeDate, bankAccount?.BankName, bankAccount?.AccountNumberEnding, mandate.Reference);
    }
}
