namespace Portal.Domain.Firms;

/// <summary>
/// How far a new firm has come towards its first payment, read from what it has done rather than from ticks it set:
/// its colours or logo chosen, a payment provider connected (the sandbox counts), a client added, an invoice emailed.
/// </summary>
public sealed record OnboardingSteps(bool Branded, bool ProviderConnected, bool ClientAdded, bool InvoiceSent)
{
    public int Done => (Branded ? 1 : 0) + (ProviderConnected ? 1 : 0) + (ClientAdded ? 1 : 0) + (InvoiceSent ? 1 : 0);

    public const int Total = 4;

    public bool IsComplete => Done == Total;
}
