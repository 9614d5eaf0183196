using Portal.Domain;

namespace Portal.Ledger;

/// <summary>
/// A money operation that was carried out under an idempotency key: what was asked (its fingerprint) and what
/// it produced. Stored in the same database transaction as the operation's effects, unique per firm and key,
/// so a replay finds it and answers with the first result. Operations that move no money (a payment marked
/// processing) have one too, which is why this is not the ledger transaction's own key.
/// </summary>
public sealed class IdempotentRequest : ITenantOwned
{
    private IdempotentRequest() { }

    public IdempotentRequest(Guid firmId, string key, string operation, string fingerprint, Guid? resultId, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        Key = key;
        Operation = operation;
        Fingerprint = fingerprint;
        ResultId = resultId;
        At = at;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public string Key { get; private set; } = "";
    public string Operation { get; private set; } = "";
    public string Fingerprint { get; private set; } = "";
    /// <summary>The payment (or other row) the first run produced, returned again on a replay.</summary>
    public Guid? ResultId { get; private set; }
    public DateTimeOffset At { get; private set; }
}
