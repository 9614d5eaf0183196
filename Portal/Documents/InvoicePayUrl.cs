using Portal.Account;
using Portal.Domain.Invoices;

namespace Portal.Documents;

/// <summary>
/// Where an invoice's "Pay online" link and QR code lead: for now the client's invoice page in the portal (signing in
/// first). The one place to change when pay links of their own exist.
/// </summary>
public sealed class InvoicePayUrl(AccountLinks links)
{
    /// <summary>Null when the app cannot know its public address here (no request and no <c>Portal:PublicBaseUrl</c>): the PDF then has no link.</summary>
    public Uri? For(Invoice invoice)
    {
        try
        {
            return new Uri(links.To($"portal/invoices/{invoice.Id}"));
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
