using Portal.Domain;

namespace Portal.GoCardless;

// A collection of a portal payment by direct debit on a mandate. The portal payment's id is the idempotency key:
// however often this is sent, GoCardless collects the money once (invariant 5).
public sealed record DirectDebitCollection(Guid PortalPaymentId, string MandateId, Money Amount, DateOnly DueDate, string? Description = null);

public sealed class DirectDebitRefusedException(string reason) : Exception(reason);

public static class GoCardlessCollector
{
    public const string PortalPaymentMetadataKey = "portal_payment";

    // Collects on the due date, or on the mandate's next possible charge date when the due date is too close.
    public static async Task<GoCardlessPayment> CollectAsync(GoCardlessClient client, DirectDebitCollection collection, CancellationToken cancellationToken = default)
    {
        var mandate = await client.GetMandateAsync(collection.MandateId, cancellationToken);
        if (!mandate.CanBeCharged || mandate.NextPossibleChargeDate is not { } earliest)
        {
            throw new DirectDebitRefusedException($"Mandate {mandate.Id} is {GoCardlessQuery.Name(mandate.Status)} and can no longer be charged.");
        }

        if (mandate.Currency != collection.Amount.Currency)
        {
            throw new DirectDebitRefusedException($"Mandate {mandate.Id} collects {mandate.Currency?.Code ?? "an unknown currency"} ({GoCardlessQuery.Name(mandate.Scheme)}), not {collection.Amount.Currency}.");
        }

        return await client.CreatePaymentAsync(
            new NewPayment(
                collection.Amount,
                mandate.Id,
                ChargeDate(collection.DueDate, earliest),
                collection.Description,
                Metadata: new Dictionary<string, string> { [PortalPaymentMetadataKey] = collection.PortalPaymentId.ToString() }),
            $"portal-payment-{collection.PortalPaymentId:N}",
            cancellationToken);
    }

    public static DateOnly ChargeDate(DateOnly dueDate, DateOnly nextPossibleChargeDate) =>
        dueDate > nextPossibleChargeDate ? dueDate : nextPossibleChargeDate;
}
