namespace Portal.Domain.Firms;

/// <summary>How a firm's invoices reach its clients: emailed when issued or only on request, and whether a pay link works without an account.</summary>
public sealed partial class Firm
{
    /// <summary>Plain "Issue" also emails the invoice with its pay link.</summary>
    public bool EmailInvoicesWhenIssued { get; private set; }

    /// <summary>
    /// Someone who opens a valid pay link without being signed in may see and pay that one invoice as a guest;
    /// otherwise they confirm by a sign-in link emailed to the client's address.
    /// </summary>
    public bool GuestPayAllowed { get; private set; }

    public void ChangeDelivery(bool emailInvoicesWhenIssued, bool guestPayAllowed)
    {
        EmailInvoicesWhenIssued = emailInvoicesWhenIssued;
        GuestPayAllowed = guestPayAllowed;
    }
}
