using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Email;

namespace Portal.Tests.Fixture;

/// <summary>
/// The recipients' side of Portal's email: the pickup folder the app delivers to when no mail server is set. Only
/// here do secret links appear; the database and the Sent emails page hold them hidden.
/// </summary>
public static class Mailbox
{
    /// <summary>The newest email to <paramref name="address"/> once the dispatcher has delivered it.</summary>
    public static async Task<MimeMessage> LatestDeliveredToAsync(this PortalApp app, string address, TimeSpan? timeout = null)
    {
        var until = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            await using (var db = app.OpenDb())
            {
                var latest = await db.Set<EmailMessage>().IgnoreQueryFilters().AsNoTracking()
                    .Where(m => m.To == address).OrderByDescending(m => m.CreatedAt).FirstOrDefaultAsync();
                if (latest is { Status: EmailStatus.Sent })
                    return await MimeMessage.LoadAsync(Path.Combine(PickupFolder(app), $"{latest.Id}.eml"));
                if (latest is { Status: EmailStatus.Failed })
                    throw new InvalidOperationException($"The email to {address} failed: {latest.LastError}");
            }
            if (DateTimeOffset.UtcNow > until)
                throw new TimeoutException($"No email was delivered to {address}.");
            // The dispatcher is woken by the commit; this only waits for its write to the folder.
            await Task.Delay(50);
        }
    }

    /// <summary>The first link in the delivered email whose path starts with <paramref name="pathPrefix"/>, as a path and query.</summary>
    public static async Task<string> LinkDeliveredToAsync(this PortalApp app, string address, string pathPrefix)
    {
        var message = await app.LatestDeliveredToAsync(address);
        var text = message.TextBody ?? "";
        var start = text.IndexOf(pathPrefix, StringComparison.Ordinal);
        if (start < 0)
            throw new InvalidOperationException($"The email to {address} has no {pathPrefix} link:\n{text}");
        var end = text.IndexOfAny([' ', '\n', '\r'], start);
        return end < 0 ? text[start..] : text[start..end];
    }

    private static string PickupFolder(PortalApp app) =>
        Path.GetFullPath(app.Services.GetRequiredService<IOptions<EmailOptions>>().Value.PickupFolder,
            app.Services.GetRequiredService<IHostEnvironment>().ContentRootPath);
}
