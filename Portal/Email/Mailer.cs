using System.Net;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Localization;

namespace Portal.Email;

/// <summary>
/// Queues an email in the caller's unit of work (<see cref="PortalDbContext"/>); it leaves only once the
/// caller's SaveChanges has committed and <see cref="EmailSignal"/> has woken the dispatcher.
/// </summary>
public sealed class Mailer(TimeProvider clock, EmailSignal signal, HeldSecretLinks held, IStringLocalizer<Text> T)
{
    public void Queue(PortalDbContext db, Guid firmId, string to, string subject, string text, string? linkUrl = null, string? linkLabel = null)
    {
        var body = Body(text, linkUrl, linkLabel);
        db.Add(new EmailMessage(firmId, to, subject, body.Text, body.Html, clock.GetUtcNow()));
    }

    /// <summary>
    /// Queues an email whose link is a key (sign-in, password reset, invitation). The stored copy, which staff see on
    /// Sent emails, says "[secure link hidden]" instead; the real one is held in memory until it is delivered
    /// (<see cref="HeldSecretLinks"/>). Call inside the recipient's culture: the hidden-link text is translated.
    /// </summary>
    public void QueueWithSecretLink(PortalDbContext db, Guid firmId, string to, string subject, string text, string secretUrl, string linkLabel)
    {
        var hidden = T["SecureLinkHidden"].Value;
        var stored = new EmailMessage(firmId, to, subject, $"{text}\n\n{linkLabel}: {hidden}",
            $"{Paragraph(text)}<p>{WebUtility.HtmlEncode(linkLabel)}: {WebUtility.HtmlEncode(hidden)}</p>", clock.GetUtcNow());
        stored.HoldForSender();
        held.Hold(stored.Id, Body(text, secretUrl, linkLabel));
        db.Add(stored);
    }

    /// <summary>Call after SaveChanges so mail goes out without waiting for the next sweep.</summary>
    public void Flush() => signal.Notify();

    private static DeliverableBody Body(string text, string? linkUrl, string? linkLabel) => new(
        linkUrl is null ? text : $"{text}\n\n{linkLabel ?? "Link"}: {linkUrl}",
        Paragraph(text) + (linkUrl is null ? "" : $"<p><a href=\"{WebUtility.HtmlEncode(linkUrl)}\">{WebUtility.HtmlEncode(linkLabel ?? linkUrl)}</a></p>"));

    private static string Paragraph(string text) => $"<p>{WebUtility.HtmlEncode(text).Replace("\n", "<br>", StringComparison.Ordinal)}</p>";
}
