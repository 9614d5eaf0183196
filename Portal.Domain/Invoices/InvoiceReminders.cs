namespace Portal.Domain.Invoices;

/// <summary>An invoice staff have asked never to be reminded about (a special arrangement, a matter in hand).</summary>
public sealed partial class Invoice
{
    public bool DoNotRemind { get; private set; }

    public void SetDoNotRemind(bool doNotRemind)
    {
        DoNotRemind = doNotRemind;
        Touch();
    }
}
