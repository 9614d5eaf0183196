using Microsoft.Extensions.Localization;
using Portal.Account;
using Portal.Components.Shared;
using Portal.Data;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Email;
using Portal.Localization;

namespace Portal.Invoices.Delivery;

/// <summary>
/// Writes the email that carries an invoice and its pay link, in the client's language. Kept to this one class so the
/// wording can move to editable templates without touching how invoices are sent.
/// </summary>
public sealed class InvoiceEmail(Mailer mailer, IStringLocalizer<Text> T)
{
    /// <summary>Queues the email in the caller's unit of work. The pay link is a key to the invoice: Sent emails shows it hidden.</summary>
    public void Queue(PortalDbContext db, Firm firm, ClientAccount client, Invoice invoice, string to, string payLinkUrl, string? culture)
    {
        using var _ = UserCulture.Use(culture);
        // Amounts and dates as the reader's language writes them, whoever presses Send.
        var formatting = culture is null ? null : System.Globalization.CultureInfo.GetCultureInfo(culture == "fr" ? "fr-FR" : "en-GB");
        var subject = string.Format(T["InvoiceEmailSubject"], invoice.Number, firm.Name);
        var text = string.Format(T["InvoiceEmailBody"], client.Name, invoice.Number, MoneyFormat.Format(invoice.AmountDue, formatting), DateFormat.Show(invoice.DueDate, formatting), firm.Name);
        mailer.QueueWithSecretLink(db, firm.Id, to, subject, text, payLinkUrl, T["PayThisInvoice"]);
    }
}
