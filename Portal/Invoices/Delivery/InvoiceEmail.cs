using Portal.Account;
using Portal.Data;
using Portal.Documents;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Email;
using Portal.Email.Templates;
using Portal.Localization;
using Portal.PayLinks;

namespace Portal.Invoices.Delivery;

/// <summary>
/// Writes the email that carries an invoice, its pay link and its PDF, from the firm's "invoice issued" template in the
/// client's language.
/// </summary>
public sealed class InvoiceEmail(EmailTemplates templates, TimeProvider clock)
{
    /// <summary>
    /// Queues the email in the caller's unit of work. The pay link is a key to the invoice: the stored email names the
    /// link in place of its token (<see cref="PayLinkMail"/>), and the dispatcher writes the token in only for the mail
    /// server, so the row survives a restart like any email while Sent emails never shows a live link. Each send is its
    /// own cause (a "Send again" is meant to go), so the key is the send's timeline entry.
    /// </summary>
    /// <param name="payLinkUrl">The link issued in the same unit of work (<c>PayLinks.IssueAsync</c>), as a full URL.</param>
    /// <param name="idempotencyKey">A cause of its own when the send has one (a recurring invoice's schedule and period); by default the send.</param>
    public async Task QueueAsync(PortalDbContext db, Firm firm, ClientAccount client, Invoice invoice, string to, string payLinkUrl, string? language,
        Guid sendId, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        var culture = EmailTemplates.CultureOf(language ?? "en");
        using var _ = UserCulture.Use(language);
        var linkId = await PayLinkMail.LinkOfAsync(db, payLinkUrl, cancellationToken);
        var model = new EmailModel().Firm(firm.Name).Client(client.Name)
            .Invoice(invoice.Number!, invoice.IssueDate, invoice.DueDate, invoice.Total, invoice.AmountDue).PayLink(PayLinkMail.StoredUrl(payLinkUrl, linkId));
        var stored = await templates.RenderAsync(db, firm.Id, EmailTemplateKind.InvoiceIssued, culture, model, cancellationToken);
        db.Add(new EmailMessage(firm.Id, to, stored.Subject, stored.Text, stored.Html, clock.GetUtcNow(), idempotencyKey ?? $"invoice-sent:{sendId:N}")
            .Attach(nameof(DocumentKind.Invoice), invoice.Id, culture.Name));
    }
}
