using Portal.Account;
using Portal.Domain.Invoices;

namespace Portal.Documents;

/// <summary>
/// Where an invoice's "Pay online" link and QR code lead: the invoice's live pay link, the same one its latest email
/// carries (one is made when there is none, see <see cref="PayLinks.PayLinks.LiveTokenAsync"/>).
/// </summary>
public sealed class InvoicePayUrl(AccountLinks links, PayLinks.PayLinks payLinks)
{
    /// <summary>
    /// Null when the invoice cannot be paid, or when the app cannot know its public address here (no request and no
    /// <c>Portal:PublicBaseUrl</c>): the PDF then has no link, and no link is made for it.
    /// </summary>
    public async Task<Uri?> ForAsync(Invoice invoice, CancellationToken cancellationToken = default)
    {
        if (!invoice.AcceptsPayment || !invoice.AmountDue.IsPositive)
            return null;
        string payPage;
        try
        {
            payPage = links.To("pay/");
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        return await payLinks.LiveTokenAsync(invoice.Id, cancellationToken) is { } token ? new Uri(payPage + token) : null;
    }
}
