using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Documents;
using Portal.Domain.Firms;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Domain.Wallets;
using Portal.Email;
using Portal.Email.Templates;
using Portal.Ledger;

namespace Portal.Notifications;

/// <summary>
/// What a payment's outcome tells the client and the firm's staff, queued inside the money operation that decided
/// it (so it exists exactly when the change commits) with a key derived from the payment: a replayed webhook, a
/// retried job or a second instance never sends it twice (<see cref="Mailer.QueueOnceAsync"/>).
/// The client hears of every outcome that concerns their money: a receipt (or "credit added" for a prepayment) when
/// it is confirmed, never while it is only processing; what to do next when it fails or is taken back; the amount,
/// date and mandate before a direct debit is collected. Staff hear per their <see cref="NotificationFrequency"/>.
/// </summary>
public sealed class PaymentNotices(EmailTemplates templates, Mailer mailer, IConfiguration configuration)
{
    /// <summary>The money arrived (card paid, direct debit confirmed, transfer recorded by staff).</summary>
    public async Task ConfirmedAsync(MoneyWork work, Payment payment, Wallet wallet)
    {
        var facts = await FactsAsync(work, payment);
        if (payment.ToInvoices.Count == 0 && payment.ToWallet.IsPositive)
        {
            var model = facts.ClientModel().Credit(payment.ToWallet, wallet.Balance).Amount(payment.ToWallet);
            await ToClientAsync(work, facts, EmailTemplateKind.CreditAdded, model, $"credit-added:{payment.Id:N}");
        }
        else
        {
            var model = facts.ClientModel().Amount(payment.Amount);
            await ToClientAsync(work, facts, EmailTemplateKind.Receipt, model, $"receipt:{payment.Id:N}", attachReceipt: true);
        }
        await ToStaffAsync(work, facts, NotificationKind.PaymentReceived, $"staff-received:{payment.Id:N}");
    }

    /// <summary>A payment in flight failed (a direct debit refused by the bank): it never paid anything.</summary>
    public async Task FailedAsync(MoneyWork work, Payment payment)
    {
        var facts = await FactsAsync(work, payment);
        await ToClientAsync(work, facts, EmailTemplateKind.PaymentFailed, facts.ClientModel().Amount(payment.Amount), $"payment-failed:{payment.Id:N}");
        await ToStaffAsync(work, facts, NotificationKind.PaymentFailed, $"staff-failed:{payment.Id:N}");
    }

    /// <summary>Money taken back after it was confirmed: a late direct-debit failure, a chargeback, a dispute lost.</summary>
    public async Task ReversedAsync(MoneyWork work, Payment payment)
    {
        var facts = await FactsAsync(work, payment);
        // A payment can be reversed, won back in a dispute and reversed again: each reversal is its own news.
        var reversal = (payment.ReversedAt ?? work.Now).UtcTicks.ToString(CultureInfo.InvariantCulture);
        await ToClientAsync(work, facts, EmailTemplateKind.PaymentReversed, facts.ClientModel().Amount(payment.Amount), $"payment-reversed:{payment.Id:N}:{reversal}");
        await ToStaffAsync(work, facts, NotificationKind.PaymentReversed, $"staff-reversed:{payment.Id:N}:{reversal}");
    }

    /// <summary>
    /// A refund did not reach the client's card: the client learns that the amount is their credit meanwhile and that
    /// the firm will be in touch; staff decide how to give the money back.
    /// </summary>
    public async Task RefundFailedAsync(MoneyWork work, Payment payment, Wallet wallet, Money amount, string refundKey)
    {
        var facts = await FactsAsync(work, payment);
        await ToClientAsync(work, facts, EmailTemplateKind.RefundFailed, facts.ClientModel().Credit(amount, wallet.Balance).Amount(amount), $"refund-failed:{refundKey}");
        await ToStaffAsync(work, facts, NotificationKind.RefundFailed, $"staff-refund-failed:{refundKey}");
    }

    /// <summary>A direct debit was scheduled on a mandate: the pre-notification the schemes require.</summary>
    public async Task CollectionScheduledAsync(MoneyWork work, Payment payment)
    {
        var db = work.Db;
        var collection = await db.ScheduledCollections.AsNoTracking().FirstOrDefaultAsync(c => c.PaymentId == payment.Id);
        if (collection is null)
            return;
        var mandate = await db.Set<DirectDebit.DirectDebitMandate>().AsNoTracking().FirstOrDefaultAsync(m => m.MandateId == collection.MandateId);
        var facts = await FactsAsync(work, payment);
        var model = facts.ClientModel().Amount(payment.Amount)
            .Collection(payment.Amount, collection.ChargeDate, mandate?.Reference ?? collection.MandateId, facts.FirmName, facts.InvoiceNumbers);
        await ToClientAsync(work, facts, EmailTemplateKind.UpcomingCollection, model, $"dd-upcoming:{payment.Id:N}");
    }

    private async Task ToClientAsync(MoneyWork work, PaymentFacts facts, EmailTemplateKind kind, EmailModel model, string key, bool attachReceipt = false)
    {
        if (string.IsNullOrWhiteSpace(facts.ClientEmail))
            return;
        var culture = EmailTemplates.CultureOf(facts.ClientLanguage);
        var email = await templates.RenderAsync(work.Db, work.FirmId, kind, culture, model.PortalLink(PortalLink("portal")));
        var message = new EmailMessage(work.FirmId, facts.ClientEmail, email.Subject, email.Text, email.Html, work.Now, key);
        if (attachReceipt)
            message.Attach(nameof(DocumentKind.Receipt), facts.Payment.Id, culture.Name);
        await mailer.QueueOnceAsync(work.Db, message);
    }

    private async Task ToStaffAsync(MoneyWork work, PaymentFacts facts, NotificationKind kind, string keyPrefix)
    {
        var failure = kind != NotificationKind.PaymentReceived;
        var db = work.Db;
        var staff = await (from preference in db.Set<NotificationPreference>().AsNoTracking()
                           where preference.Frequency != NotificationFrequency.None
                           join user in db.Users on preference.UserId equals user.Id
                           where user.FirmId == work.FirmId
                           select new { user.Id, user.Email, user.DisplayName, user.Culture, preference.Frequency }).ToListAsync();
        foreach (var person in staff)
        {
            var (inApp, email) = person.Frequency switch
            {
                NotificationFrequency.EveryPayment => (true, true),
                NotificationFrequency.DailyDigest => (true, false),
                NotificationFrequency.FailuresOnly => (failure, failure),
                NotificationFrequency.None => (false, false),
            };
            if (inApp)
                work.Insert(new StaffNotification(work.FirmId, person.Id, kind, facts.Payment.Id, facts.ClientName, facts.Payment.Amount, work.Now));
            if (!email || string.IsNullOrEmpty(person.Email))
                continue;
            var language = person.Culture == "fr" ? "fr" : "en";
            var model = facts.PaymentModel().Recipient(person.DisplayName).Amount(facts.Payment.Amount).PortalLink(PortalLink("staff"));
            var rendered = await templates.RenderAsync(db, work.FirmId, failure ? EmailTemplateKind.StaffPaymentFailed : EmailTemplateKind.StaffPaymentReceived,
                EmailTemplates.CultureOf(language), model);
            await mailer.QueueOnceAsync(db, new EmailMessage(work.FirmId, person.Email, rendered.Subject, rendered.Text, rendered.Html, work.Now, $"{keyPrefix}:{person.Id}"));
        }
    }

    private static async Task<PaymentFacts> FactsAsync(MoneyWork work, Payment payment)
    {
        var db = work.Db;
        var firm = await db.Firms.AsNoTracking().Where(f => f.Id == work.FirmId).Select(f => new { f.Name, f.TimeZone }).SingleAsync();
        var client = await db.ClientAccounts.AsNoTracking().Where(c => c.Id == payment.ClientAccountId).Select(c => new { c.Name, c.BillingEmail }).SingleAsync();
        var invoiceIds = payment.ToInvoices.Select(i => i.InvoiceId).ToArray();
        var numbers = await db.Invoices.AsNoTracking().Where(i => invoiceIds.Contains(i.Id) && i.Number != null).OrderBy(i => i.Number).Select(i => i.Number!).ToListAsync();
        // The client's emails speak the language its contacts chose in the portal; English until one does.
        var language = await (from contact in db.Contacts.AsNoTracking()
                              where contact.ClientAccountId == payment.ClientAccountId && contact.UserId != null
                              join user in db.Users on contact.UserId equals user.Id
                              where user.Culture != null
                              select user.Culture).FirstOrDefaultAsync();
        return new PaymentFacts(payment, firm.Name, client.Name, client.BillingEmail, language == "fr" ? "fr" : "en", numbers,
            new BusinessCalendar(firm.TimeZone).DayOf(work.Now));
    }

    private string PortalLink(string path) =>
        $"{(configuration["Portal:PublicBaseUrl"] is { Length: > 0 } configured ? configured.TrimEnd('/') : "http://localhost:5080")}/{path}";

    private sealed record PaymentFacts(Payment Payment, string FirmName, string ClientName, string ClientEmail, string ClientLanguage, IReadOnlyList<string> InvoiceNumbers, DateOnly Day)
    {
        public EmailModel PaymentModel() => new EmailModel().Firm(FirmName).Client(ClientName)
            .Payment(Payment.Amount, Day, Payment.Method, Payment.Reference, Payment.FailureReason, InvoiceNumbers);

        public EmailModel ClientModel() => PaymentModel();
    }
}

/// <summary>Which notice a payment's status change calls for, if any.</summary>
public enum PaymentOutcome { None, Scheduled, Confirmed, Failed, Reversed }

public static class PaymentOutcomes
{
    /// <summary>
    /// From the status before and after one change. Confirmed only on the first arrival of the money (a dispute won
    /// back is no new receipt); failed only for money that was in flight (a card declined on the hosted page is shown
    /// there, to the person paying).
    /// </summary>
    public static PaymentOutcome Of(Payment payment, PaymentStatus before) => (before, payment.Status) switch
    {
        (PaymentStatus.Initiated, PaymentStatus.Pending) when payment.Method == PaymentMethod.DirectDebit => PaymentOutcome.Scheduled,
        (PaymentStatus.Initiated or PaymentStatus.Pending, PaymentStatus.Succeeded or PaymentStatus.Settled) => PaymentOutcome.Confirmed,
        (PaymentStatus.Pending, PaymentStatus.Failed) => PaymentOutcome.Failed,
        (not PaymentStatus.Reversed, PaymentStatus.Reversed) => PaymentOutcome.Reversed,
        _ => PaymentOutcome.None,
    };
}
