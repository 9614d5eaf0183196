using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Reminders;
using Portal.Email;
using Portal.Email.Templates;
using Portal.Invoices.Delivery;
using Portal.Payments;
using Portal.Tenancy;

namespace Portal.Reminders;

/// <summary>
/// Reminds clients of what they owe, in two phases that may run on any instance, any number of times:
/// <see cref="DecideAsync"/> writes, for each invoice whose schedule step has come on the firm's local day, one queued
/// reminder (the database's unique key per invoice and step keeps it to one), and <see cref="SendQueuedAsync"/> claims
/// each queued reminder with a lease, checks the never-remind rules again (a payment may have arrived since the
/// decision: the reminder is then cancelled) and emails it with a fresh pay link.
/// </summary>
public sealed class Reminders(IServiceScopeFactory scopes, TimeProvider clock, ILogger<Reminders> logger)
{
    /// <summary>
    /// Far longer than one send: a reminder still claimed after this (<c>Reminders:SendLease</c>) was left by a sender
    /// that stopped, and another sender takes it over.
    /// </summary>
    public static readonly TimeSpan DefaultSendLease = TimeSpan.FromMinutes(5);
    private const int SendBatch = 200;

    /// <summary>A whole sweep: decide, then send. Returns (decided, sent).</summary>
    public async Task<(int Decided, int Sent)> SweepAsync(CancellationToken cancellationToken = default)
    {
        var decided = await DecideAsync(cancellationToken);
        var sent = await SendQueuedAsync(cancellationToken);
        return (decided, sent);
    }

    /// <summary>Queues the reminders due today, firm by firm. Returns how many this call queued (none for what another sweep already did).</summary>
    public async Task<int> DecideAsync(CancellationToken cancellationToken = default)
    {
        List<Guid> firmIds;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            firmIds = await db.Firms.IgnoreQueryFilters().Where(f => f.Reminders.Enabled).Select(f => f.Id).ToListAsync(cancellationToken);
        }
        var queued = 0;
        foreach (var firmId in firmIds)
            queued += await DecideForFirmAsync(firmId, cancellationToken);
        return queued;
    }

    private async Task<int> DecideForFirmAsync(Guid firmId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firmId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var today = firm.LocalToday(now);
        var policy = firm.Reminders;
        var steps = policy.Steps;
        if (steps.Count == 0)
            return 0;
        // Only invoices whose due date puts one of the steps within the last few days can be at a step today.
        var earliestDue = today.AddDays(-steps.Max(policy.Offset) - ReminderPolicy.CatchUpDays);
        var latestDue = today.AddDays(-steps.Min(policy.Offset));
        // Only the columns the decision needs: whole invoices would bring their lines along, and cost far more to read.
        var invoices = await db.Invoices.AsNoTracking()
            .Where(i => (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid) && i.DueDate >= earliestDue && i.DueDate <= latestDue)
            .Select(i => new InvoiceStanding(i.Id, i.FirmId, i.ClientAccountId, i.Currency, i.Status, i.DueDate, i.TotalMinor, i.CreditedMinor, i.PaidMinor,
                i.PendingMinor, i.DoNotRemind))
            .ToListAsync(cancellationToken);
        if (invoices.Count == 0)
            return 0;
        var since = today.AddDays(-ReminderPolicy.CatchUpDays);
        var done = (await db.Reminders.AsNoTracking().Where(r => r.RequestedBy == null && r.Day >= since).Select(r => r.Key).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var circumstances = await ReminderCircumstances.ReadAsync(db, firm, invoices, wholeFirm: true, cancellationToken);
        var fresh = new List<Reminder>();
        foreach (var invoice in invoices)
        {
            if (policy.StepOn(invoice.DueDate, today) is not { } step || done.Contains(Reminder.ScheduledKey(invoice.Id, step)))
                continue;
            if (ReminderRules.WhyNot(circumstances.For(invoice), today) is not null)
                continue;
            fresh.Add(Reminder.Scheduled(invoice, step, today, now));
        }
        return await ReminderRows.InsertNewAsync(db, fresh, cancellationToken);
    }

    /// <summary>Sends the queued reminders of every firm (and those a stopped sender left). Returns how many were emailed.</summary>
    public async Task<int> SendQueuedAsync(CancellationToken cancellationToken = default)
    {
        var sent = 0;
        while (true)
        {
            List<(Guid Id, Guid FirmId)> batch;
            var now = clock.GetUtcNow();
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
                batch = (await Claimable(db.Reminders.IgnoreQueryFilters(), now).OrderBy(r => r.QueuedAt).Take(SendBatch)
                    .Select(r => new { r.Id, r.FirmId }).ToListAsync(cancellationToken)).Select(r => (r.Id, r.FirmId)).ToList();
            }
            if (batch.Count == 0)
                return sent;
            var claimedAny = false;
            foreach (var (id, firmId) in batch)
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firmId);
                var sender = scope.ServiceProvider.GetRequiredService<ReminderSender>();
                if (!await sender.ClaimAsync(id, cancellationToken))
                    continue;
                claimedAny = true;
                try
                {
                    if (await sender.SendClaimedAsync(id, cancellationToken))
                        sent++;
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // Left claimed: when its lease runs out a sender tries again, and the email's key keeps it to one.
                    logger.LogError(error, "Sending reminder {ReminderId} failed; it is tried again when its lease runs out.", id);
                }
            }
            if (!claimedAny)
                return sent;
        }
    }

    internal static IQueryable<Reminder> Claimable(IQueryable<Reminder> reminders, DateTimeOffset now) =>
        reminders.Where(r => r.Status == ReminderStatus.Queued || (r.Status == ReminderStatus.Sending && r.LeaseUntil < now));
}

/// <summary>Sends one reminder, scheduled or by hand, for the firm the scope acts for.</summary>
public sealed class ReminderSender(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, PayLinks.PayLinks payLinks, ReminderEmail email, Mailer mailer, AccountLinks links,
    CurrentActor actor, IConfiguration configuration)
{
    /// <summary>Takes the reminder for this sender, with a lease; false when another sender has it or it is done.</summary>
    public async Task<bool> ClaimAsync(Guid reminderId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var leaseUntil = now + configuration.GetValue("Reminders:SendLease", Reminders.DefaultSendLease);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Reminders.Claimable(db.Reminders.Where(r => r.Id == reminderId), now)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ReminderStatus.Sending).SetProperty(r => r.LeaseUntil, leaseUntil), cancellationToken) == 1;
    }

    /// <summary>
    /// Emails a claimed reminder, or cancels it when the invoice may no longer be reminded. The timeline entry, the pay
    /// link, the email and the reminder's new state are one transaction. True when emailed.
    /// </summary>
    public async Task<bool> SendClaimedAsync(Guid reminderId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var reminder = await db.Reminders.SingleAsync(r => r.Id == reminderId, cancellationToken);
        var invoice = await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == reminder.InvoiceId, cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleAsync(f => f.Id == reminder.FirmId, cancellationToken);
        var circumstances = await ReminderCircumstances.ReadAsync(db, firm, [invoice], cancellationToken);
        var now = clock.GetUtcNow();
        var today = firm.LocalToday(now);
        if (ReminderRules.WhyNot(circumstances.For(invoice), today) is { } reason)
        {
            reminder.Cancel(reason);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return false;
        }
        var client = circumstances.Client(invoice);
        var recipient = client.InvoiceEmailRecipient!;
        var entry = InvoiceTimelineEntry.Reminded(invoice, recipient, reminder.RequestedBy, now);
        db.Add(entry);
        var token = await payLinks.IssueAsync(db, invoice, recipient, entry.Id, cancellationToken);
        reminder.MarkSent(recipient, now);
        await db.SaveChangesAsync(cancellationToken);
        var language = await LanguageOfAsync(db, client.Id, recipient, cancellationToken);
        var overdue = await OverdueOfAsync(db, firm, client, invoice, recipient, entry.Id, today, cancellationToken);
        var payableOnline = await CardAvailability.WhyNotAsync(db, firm.Policy, invoice, cancellationToken) is null;
        await email.QueueAsync(db, reminder, firm, client, invoice, recipient, PayUrl(token), overdue, payableOnline, language, today, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        mailer.Flush();
        return true;
    }

    /// <summary>
    /// Staff's "send reminder now": refused, with the reason, when the invoice may not be reminded; otherwise emailed at
    /// once with the template of the step the invoice stands at. Does not take the place of the schedule's steps.
    /// </summary>
    public async Task<string> SendNowAsync(Guid invoiceId, CancellationToken cancellationToken = default)
    {
        Reminder reminder;
        ReminderCircumstances circumstances;
        Invoice invoice;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == invoiceId, cancellationToken) ?? throw new NotFoundException("invoice");
            var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
            circumstances = await ReminderCircumstances.ReadAsync(db, firm, [invoice], cancellationToken);
            var today = firm.LocalToday(clock.GetUtcNow());
            ReminderRules.EnsureRemindable(circumstances.For(invoice), today);
            var who = actor.Current;
            reminder = Reminder.Manual(invoice, firm.Reminders.StepForManual(invoice.DueDate, today), today, who.IsStaff ? who.Name : "staff", clock.GetUtcNow());
            db.Add(reminder);
            await db.SaveChangesAsync(cancellationToken);
        }
        if (!await ClaimAsync(reminder.Id, cancellationToken))
            throw new DomainException("This reminder has already been dealt with.");
        if (!await SendClaimedAsync(reminder.Id, cancellationToken))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var cancelled = await db.Reminders.AsNoTracking().Where(r => r.Id == reminder.Id).Select(r => r.CancelledBecause).SingleAsync(cancellationToken);
            throw new DomainException(ReminderRules.Refusal(cancelled ?? CannotRemind.NoEmail));
        }
        return circumstances.Client(invoice).InvoiceEmailRecipient!;
    }

    /// <summary>
    /// "Send reminder now" on a selection: each invoice on its own, one that may not be reminded says why (the refusal
    /// of <see cref="SendNowAsync"/>) and does not stop the others.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryResult>> SendManyNowAsync(IReadOnlyCollection<Guid> invoiceIds, CancellationToken cancellationToken = default)
    {
        if (invoiceIds.Count > InvoiceDelivery.MaxSelection)
            throw new DomainException($"At most {InvoiceDelivery.MaxSelection} invoices can be sent at once.");
        var results = new List<DeliveryResult>();
        foreach (var invoiceId in invoiceIds.Distinct())
        {
            try
            {
                results.Add(new(invoiceId, true, await SendNowAsync(invoiceId, cancellationToken)));
            }
            catch (DomainException refused)
            {
                results.Add(new(invoiceId, false, null, refused));
            }
            catch (NotFoundException)
            {
                // Another firm's id, or one that never existed: refused like any invoice that cannot be reminded.
                results.Add(new(invoiceId, false, null, new DomainException(ReminderRules.Refusal(CannotRemind.NotIssued))));
            }
        }
        return results;
    }

    /// <summary>
    /// Everything the client owes past its due date in the invoice's currency, with the link that pays it in one go,
    /// when that is more than the one invoice the reminder is about (null otherwise: one link for one invoice is enough).
    /// Where the firm lets guests pay, the link is a pay link over the client's overdue invoices in that currency (the
    /// email stores it by reference, like the invoice's own link); else the portal's pay page, after signing in.
    /// </summary>
    private async Task<OverdueSummary?> OverdueOfAsync(PortalDbContext db, Firm firm, ClientAccount client, Invoice invoice, string recipient, Guid sentByEntryId,
        DateOnly today, CancellationToken cancellationToken)
    {
        var overdue = await db.Invoices.AsNoTracking()
            .Where(i => i.ClientAccountId == invoice.ClientAccountId && i.Currency == invoice.Currency && i.DueDate < today
                && (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid))
            .ToListAsync(cancellationToken);
        var owed = overdue.Where(i => i.AmountPayable.IsPositive).ToList();
        if (owed.Count < 2 || owed.All(i => i.Id != invoice.Id))
            return null;
        var total = owed.Aggregate(Money.Zero(invoice.Currency), (sum, i) => sum + i.AmountPayable);
        if (!firm.GuestPayAllowed)
            return new OverdueSummary(owed.Count, total, Url(PayAllOverduePath));
        var (token, linkId) = payLinks.IssueForClient(db, client, invoice.Currency, PayLinks.PayLinkScope.OverdueInvoices, recipient, sentByEntryId);
        await db.SaveChangesAsync(cancellationToken);
        return new OverdueSummary(owed.Count, total, PayLinks.PayLinkMail.StoredUrl(PayUrl(token), linkId));
    }

    /// <summary>The client's card payment page with every overdue invoice selected (sign-in first).</summary>
    public const string PayAllOverduePath = "portal/pay?select=overdue";

    private string PayUrl(string token) => Url($"pay/{token}");

    private string Url(string path) => links.ToFromAnywhere(path);

    internal static async Task<string?> LanguageOfAsync(PortalDbContext db, Guid clientAccountId, string address, CancellationToken cancellationToken)
    {
        var normalized = address.ToUpperInvariant();
        return await db.Users.Where(u => u.ClientAccountId == clientAccountId && u.NormalizedEmail == normalized && u.Culture != null)
            .Select(u => u.Culture).FirstOrDefaultAsync(cancellationToken);
    }
}
