using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Data;
using Portal.Email;

namespace Portal.PayLinks;

/// <summary>
/// An email whose only secret is a pay link is stored with a reference to the link in place of its token
/// (<see cref="Placeholder"/>) and queued like any other email: claimed with the ordinary lease, sent by whichever
/// instance gets to it, after a restart too. The token is a MAC of the link's id (<see cref="PayLinkTokens"/>), so the
/// dispatcher writes the real link only into the copy it hands to the mail server (decision 0021). The row, and so the
/// Sent emails page, never holds a live link.
/// </summary>
public sealed partial class PayLinkMail(PayLinkTokens tokens, TimeProvider clock)
{
    internal const string LinkClosedError = "Not sent: its pay link was revoked or had expired before the email could go out. Send the invoice again for a fresh link.";
    internal const string InvoiceClosedError = "Not sent: the invoice was paid or voided before the email could go out.";
    internal const string LinkUnwritableError = "Not sent: its pay link can no longer be written (its key left the key ring). Send the invoice again for a fresh link.";

    /// <summary>
    /// What stands for the token of link <paramref name="linkId"/> in a stored email: the URL around it stays as it is.
    /// Only characters that HTML and plain text keep unchanged, so the same text is found in both parts.
    /// </summary>
    public static string Placeholder(Guid linkId) => $"[pay-link:{linkId:N}]";

    /// <summary>A pay link URL (<c>…/pay/{token}</c>) with its token replaced by the reference to its link.</summary>
    public static string StoredUrl(string payLinkUrl, Guid linkId) => payLinkUrl[..(payLinkUrl.LastIndexOf('/') + 1)] + Placeholder(linkId);

    /// <summary>The link a pay link URL was made from, in the caller's unit of work (not saved yet) or already stored.</summary>
    public static async Task<Guid> LinkOfAsync(PortalDbContext db, string payLinkUrl, CancellationToken cancellationToken)
    {
        var hash = SecretToken.HashOf(payLinkUrl[(payLinkUrl.LastIndexOf('/') + 1)..])
            ?? throw new ArgumentException("Not a pay link URL.", nameof(payLinkUrl));
        var pending = db.ChangeTracker.Entries<PayLink>().Select(e => e.Entity).FirstOrDefault(l => l.TokenHash == hash);
        return pending?.Id
            ?? await db.Set<PayLink>().Where(l => l.TokenHash == hash).Select(l => (Guid?)l.Id).SingleOrDefaultAsync(cancellationToken)
            ?? throw new ArgumentException("No pay link has this token.", nameof(payLinkUrl));
    }

    internal static bool Carries(EmailMessage message) => Pattern().IsMatch(message.TextBody) || Pattern().IsMatch(message.HtmlBody);

    /// <summary>
    /// The body to send, with each referenced link's token written in, or why it must not go: a dead link in an
    /// invoice email would only lead the client to the "link no longer works" page, so the email is failed with the
    /// reason (staff see it on Sent emails and send the invoice again) rather than sent.
    /// </summary>
    internal async Task<(DeliverableBody? Body, string? Refusal)> ResolveAsync(PortalDbContext db, EmailMessage message, CancellationToken cancellationToken)
    {
        var ids = Pattern().Matches(message.TextBody).Concat(Pattern().Matches(message.HtmlBody))
            .Select(m => Guid.ParseExact(m.Groups[1].Value, "N")).Distinct().ToList();
        var now = clock.GetUtcNow();
        var written = new Dictionary<Guid, string>();
        foreach (var id in ids)
        {
            // The email's own firm only: a row cannot name another firm's link into its body.
            var link = await db.Set<PayLink>().IgnoreQueryFilters().AsNoTracking()
                .SingleOrDefaultAsync(l => l.Id == id && l.FirmId == message.FirmId, cancellationToken);
            if (link is null || !link.IsOpen(now))
                return (null, LinkClosedError);
            // A link over several invoices lists what is still owed when it is opened: nothing to check here.
            if (link.InvoiceId is not null)
            {
                var invoice = await db.Invoices.IgnoreQueryFilters().AsNoTracking()
                    .SingleOrDefaultAsync(i => i.Id == link.InvoiceId && i.FirmId == link.FirmId, cancellationToken);
                if (invoice is not { AcceptsPayment: true })
                    return (null, InvoiceClosedError);
            }
            if (tokens.Recover(link.Id, link.TokenHash) is not { } token)
                return (null, LinkUnwritableError);
            written[id] = token;
        }
        string Write(string body) => Pattern().Replace(body, m => written[Guid.ParseExact(m.Groups[1].Value, "N")]);
        return (new DeliverableBody(Write(message.TextBody), Write(message.HtmlBody)), null);
    }

    [GeneratedRegex(@"\[pay-link:([0-9a-f]{32})\]", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Pattern();
}
