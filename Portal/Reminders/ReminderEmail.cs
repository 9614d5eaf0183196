using Portal.Account;
using Portal.Data;
using Portal.Documents;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Reminders;
using Portal.Email;
using Portal.Email.Templates;
using Portal.PayLinks;

namespace Portal.Reminders;

/// <summary>Writes a reminder from the firm's template for its step, in the client's language, with its pay link.</summary>
public sealed class ReminderEmail(Mailer mailer, EmailTemplates templates, TimeProvider clock)
{
    public static EmailTemplateKind TemplateOf(ReminderStep step) => step switch
    {
        ReminderStep.Upcoming => EmailTemplateKind.ReminderUpcoming,
        ReminderStep.DueToday => EmailTemplateKind.ReminderDueToday,
        ReminderStep.Overdue => EmailTemplateKind.ReminderOverdue,
        ReminderStep.SecondNotice => EmailTemplateKind.ReminderSecondNotice,
        ReminderStep.FinalNotice => EmailTemplateKind.ReminderFinalNotice,
    };

    /// <summary>
    /// Queues the reminder in the caller's open transaction, once: its key is the reminder's, so a sender that stopped
    /// after queueing and a second sender that takes over cannot email it twice. As with invoice emails, the stored copy
    /// names the pay link in place of its token and the dispatcher writes the token in for the mail server only
    /// (decision 0021), so the row survives a restart while Sent emails never shows a live link. False when it had
    /// already been queued.
    /// </summary>
    public async Task<bool> QueueAsync(PortalDbContext db, Reminder reminder, Firm firm, ClientAccount client, Invoice invoice, string to, string payLinkUrl,
        OverdueSummary? overdue, bool payableOnline, string? language, DateOnly today, CancellationToken cancellationToken)
    {
        var culture = EmailTemplates.CultureOf(language ?? "en");
        using var _ = UserCulture.Use(language);
        var kind = TemplateOf(reminder.Step);
        var late = reminder.Step is ReminderStep.Overdue or ReminderStep.SecondNotice or ReminderStep.FinalNotice
            ? firm.Reminders.LateChargesOn(invoice.AmountDue, invoice.DueDate, today) : null;
        var linkId = await PayLinkMail.LinkOfAsync(db, payLinkUrl, cancellationToken);
        // A EUR transfer also comes as an EPC QR code, which the client's banking app turns into the filled-in transfer.
        var qrCode = payableOnline ? null
            : EpcPayload.For(firm.LegalName ?? firm.Name, firm.Iban, firm.Bic, invoice.AmountDue, invoice.Number!);
        var model = new EmailModel().Firm(firm.Name).Client(client.Name)
            .Invoice(invoice.Number!, invoice.IssueDate, invoice.DueDate, invoice.Total, invoice.AmountDue)
            .PayLink(PayLinkMail.StoredUrl(payLinkUrl, linkId)).Late(late).Overdue(overdue)
            // Where the pay link cannot take the money, the reminder says how to pay by transfer instead.
            .Transfer(payableOnline ? null : firm.Iban, firm.Bic, invoice.Number!, withQrCode: qrCode is not null);
        var stored = await templates.RenderAsync(db, firm.Id, kind, culture, model, cancellationToken);
        return await mailer.QueueOnceAsync(db, new EmailMessage(firm.Id, to, stored.Subject, stored.Text, stored.Html, clock.GetUtcNow(), $"reminder:{reminder.Id:N}").WithQrCode(qrCode), cancellationToken);
    }
}
