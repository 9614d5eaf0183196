using System.Net;
using Portal.Data;

namespace Portal.Email;

/// <summary>
/// Queues an email in the caller's unit of work (<see cref="PortalDbContext"/>); it leaves only once the
/// caller's SaveChanges has committed and <see cref="EmailSignal"/> has woken the dispatcher.
/// </summary>
public sealed class Mailer(TimeProvider clock, EmailSignal signal)
{
    public void Queue(PortalDbContext db, Guid firmId, string to, string subject, string text, string? linkUrl = null, string? linkLabel = null)
    {
        var html = $"<p>{WebUtility.HtmlEncode(text).Replace("\n", "<br>", StringComparison.Ordinal)}</p>"
            + (linkUrl is null ? "" : $"<p><a href=\"{WebUtility.HtmlEncode(linkUrl)}\">{WebUtility.HtmlEncode(linkLabel ?? linkUrl)}</a></p>");
        var plain = linkUrl is null ? text : $"{text}\n\n{linkLabel ?? "Link"}: {linkUrl}";
        db.Add(new EmailMessage(firmId, to, subject, plain, html, clock.GetUtcNow()));
    }

    /// <summary>Call after SaveChanges so mail goes out without waiting for the next sweep.</summary>
    public void Flush() => signal.Notify();
}
