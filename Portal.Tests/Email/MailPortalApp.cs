using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Email;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;

namespace Portal.Tests.Email;

/// <summary>Portal with the provider sandbox, sending its mail over SMTP to a real server started for the test class (<see cref="SmtpSink"/>).</summary>
public class MailPortalApp : StripePortalApp
{
    public SmtpSink Smtp { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Email:Smtp:Host", "127.0.0.1");
        builder.UseSetting("Email:Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Email:Smtp:UseStartTls", "false");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    /// <summary>The stored emails to an address, oldest first.</summary>
    public async Task<List<EmailMessage>> StoredEmailsToAsync(string address)
    {
        await using var db = OpenDb();
        return await db.Set<EmailMessage>().IgnoreQueryFilters().AsNoTracking().Where(m => m.To == address).OrderBy(m => m.CreatedAt).ToListAsync();
    }

    /// <summary>
    /// Queues a last email and waits until the SMTP server has it: the dispatcher sends in order, so every email
    /// queued before it has been sent (or given up) by then. How a test shows that something was NOT sent twice
    /// without sleeping.
    /// </summary>
    public async Task DrainOutboxAsync(TestFirm firm)
    {
        var address = $"drain-{Guid.NewGuid():N}@portal.test";
        await using (var db = OpenDb(firm.Id))
        {
            db.Add(new EmailMessage(firm.Id, address, "drain", "drain", "<p>drain</p>", Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }
        Services.GetRequiredService<EmailSignal>().Notify();
        await Smtp.WaitForAsync(address);
    }
}
