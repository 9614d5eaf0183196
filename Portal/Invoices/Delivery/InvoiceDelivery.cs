using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Email;
using Portal.PayLinks;

namespace Portal.Invoices.Delivery;

/// <summary>
/// What became of one invoice's send: emailed to <see cref="Recipient"/>, not sent for want of an address, or refused
/// (<see cref="Refusal"/>, shown to staff in their language with <c>ToText</c>).
/// </summary>
public sealed record DeliveryResult(Guid InvoiceId, bool Sent, string? Recipient, DomainException? Refusal = null)
{
    public bool NoEmail => !Sent && Refusal is null;
}

/// <summary>
/// Sends invoices to their clients: one, a selection, or as part of issuing. Each send emails a fresh pay link
/// (revoking the invoice's older ones) and is written on the invoice's timeline, with the email, in one save. A
/// client with no address to send to (or who opted out of invoice emails) gets no email; the timeline says
/// "not sent: no email" and staff see it on the invoice and in the list.
/// </summary>
public sealed class InvoiceDelivery(
    IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, Invoicing invoicing, PayLinks.PayLinks payLinks, InvoiceEmail email,
    Mailer mailer, AccountLinks links, CurrentActor actor)
{
    public const int MaxSelection = 200;

    /// <summary>Emails the invoice to its client (or to <paramref name="to"/>, an address already checked against the client's).</summary>
    public async Task<DeliveryResult> SendAsync(Guid invoiceId, string? to = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == invoiceId, cancellationToken) ?? throw new NotFoundException("invoice");
        if (!invoice.AcceptsPayment)
            throw new DomainException("Only an invoice that is still due can be sent.");
        var client = await db.ClientAccounts.AsNoTracking().SingleAsync(c => c.Id == invoice.ClientAccountId, cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleAsync(f => f.Id == invoice.FirmId, cancellationToken);
        var now = clock.GetUtcNow();
        var who = actor.Current;
        var sender = who.IsStaff ? who.Name : null;
        var recipient = to ?? client.InvoiceEmailRecipient;
        if (recipient is null)
        {
            db.Add(InvoiceTimelineEntry.NotSent(invoice, sender, now));
            await db.SaveChangesAsync(cancellationToken);
            return new(invoiceId, false, null);
        }
        var sent = InvoiceTimelineEntry.Sent(invoice, recipient, sender, now);
        db.Add(sent);
        var token = await payLinks.IssueAsync(db, invoice, recipient, sent.Id, cancellationToken);
        await email.QueueAsync(db, firm, client, invoice, recipient, links.To($"pay/{token}"), await CultureOfAsync(db, client.Id, recipient, cancellationToken), sent.Id, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        mailer.Flush();
        return new(invoiceId, true, recipient);
    }

    /// <summary>Sends each invoice of a selection on its own: one that cannot be sent says why and does not stop the others.</summary>
    public async Task<IReadOnlyList<DeliveryResult>> SendManyAsync(IReadOnlyCollection<Guid> invoiceIds, CancellationToken cancellationToken = default)
    {
        if (invoiceIds.Count > MaxSelection)
            throw new DomainException($"At most {MaxSelection} invoices can be sent at once.");
        var results = new List<DeliveryResult>();
        foreach (var invoiceId in invoiceIds.Distinct())
        {
            try
            {
                results.Add(await SendAsync(invoiceId, cancellationToken: cancellationToken));
            }
            catch (DomainException refused)
            {
                results.Add(new(invoiceId, false, null, refused));
            }
            catch (NotFoundException)
            {
                // Another firm's id, or one that never existed: refused like any invoice that cannot be sent.
                results.Add(new(invoiceId, false, null, new DomainException("Only an invoice that is still due can be sent.")));
            }
        }
        return results;
    }

    /// <summary>"Issue and send": issues the draft with its number, then emails it.</summary>
    public async Task<DeliveryResult> IssueAndSendAsync(Guid invoiceId, CancellationToken cancellationToken = default)
    {
        await invoicing.IssueAsync(invoiceId, cancellationToken);
        return await SendAsync(invoiceId, cancellationToken: cancellationToken);
    }

    /// <summary>Plain "Issue": also sends when the firm emails invoices when issued. Null when nothing was sent.</summary>
    public async Task<DeliveryResult?> IssueAsync(Guid invoiceId, CancellationToken cancellationToken = default)
    {
        await invoicing.IssueAsync(invoiceId, cancellationToken);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            if (!await db.Firms.Select(f => f.EmailInvoicesWhenIssued).SingleAsync(cancellationToken))
                return null;
        return await SendAsync(invoiceId, cancellationToken: cancellationToken);
    }

    /// <summary>The language of the client's contact with that address, if they have a sign-in; otherwise the sender's.</summary>
    private static async Task<string?> CultureOfAsync(PortalDbContext db, Guid clientAccountId, string address, CancellationToken cancellationToken)
    {
        var normalized = address.ToUpperInvariant();
        return await db.Users.Where(u => u.ClientAccountId == clientAccountId && u.NormalizedEmail == normalized && u.Culture != null)
            .Select(u => u.Culture).FirstOrDefaultAsync(cancellationToken);
    }
}
