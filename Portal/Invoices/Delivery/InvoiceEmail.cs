using Microsoft.Extensions.Localization;
using Portal.Account;
using Portal.Data;
using Portal.Documents;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Email;
using Portal.Email.Templates;
using Portal.Localization;

namespace Portal.Invoices.Delivery;

/// <summary>
/// Writes the email that carries an invoice, its pay link and its PDF, from the firm's "invoice issued" template in the
/// client's language.
/// </summary>
public sealed class InvoiceEmail(Mailer mailer, EmailTemplates templates, IStringLocalizer<Text> T, TimeProvider clock)
{
    /// <summary>
    /// Queues the email in the caller's unit of work. The pay link is a key to the invoice: the copy kept for Sent emails
    /// is rendered with the link hidden, and only the mailbox gets the real one. Each send is its own cause (a "Send
    /// again" is meant to go), so the key is the send's timeline entry.
    /// </summary>
    public async Task QueueAsync(PortalDbContext db, Firm firm, ClientAccount client, Invoice invoice, string to, string payLinkUrl, string? language,
        Guid sendId, CancellationToken cancellationToken)
    {
        var culture = EmailTemplates.CultureOf(language ?? "en");
        using var _ = UserCulture.Use(language);
        EmailModel Model(string payLink) => new EmailModel().Firm(firm.Name).Client(client.Name)
            .Invoice(invoice.Number!, invoice.IssueDate, invoice.DueDate, invoice.Total, invoice.AmountDue).PayLink(payLink);
        var real = await templates.RenderAsync(db, firm.Id, EmailTemplateKind.InvoiceIssued, culture, Model(payLinkUrl), cancellationToken);
        var shown = await templates.RenderAsync(db, firm.Id, EmailTemplateKind.InvoiceIssued, culture, Model(T["SecureLinkHidden"].Value), cancellationToken);
        var stored = new EmailMessage(firm.Id, to, shown.Subject, shown.Text, shown.Html, clock.GetUtcNow(), $"invoice-sent:{sendId:N}")
            .Attach(nameof(DocumentKind.Invoice), invoice.Id, culture.Name);
        mailer.QueueHoldingSecretLink(db, stored, new DeliverableBody(real.Text, real.Html));
    }
}
