using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Invoices;
using Portal.Domain.Recurring;
using Portal.Email;
using Portal.Recurring;
using Portal.Tests.Email;
using Portal.Tests.Fixture;

namespace Portal.Tests.Recurring;

/// <summary>Portal with mail to a real SMTP server and its hourly generator left to the tests, which run it when they mean to.</summary>
public class RecurringPortalApp : MailPortalApp
{
    protected virtual bool GeneratorRuns => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (!GeneratorRuns)
            builder.UseSetting("Recurring:GenerateEvery", "00:00:00");
    }
}

/// <summary>Helpers the recurring tests share: a schedule, the firm's local day, what was made and emailed.</summary>
internal static class RecurringTestKit
{
    public static DateOnly LocalToday(this PortalApp app, string timeZone = Portal.Domain.Firms.Firm.DefaultTimeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);

    public static Task<Guid> AWeeklyScheduleAsync(this PortalApp app, TestClient client, DateOnly start, long unitPriceMinor = 90_00, bool autoSend = true, bool autoCollect = false) =>
        app.AsStaffOfAsync<RecurringSchedules, Guid>(client.Firm, s => s.CreateAsync(new ScheduleInput(
            client.Id, client.Currency.Code, "Weekly support", [new InvoiceLineInput("Support retainer", 1, unitPriceMinor, 2000)],
            RecurrenceInterval.Weekly, 0, 0, start, null, null, 0, 14, autoSend, autoCollect)));

    public static RecurringGeneration Generator(this PortalApp app) => app.Services.GetRequiredService<RecurringGeneration>();

    public static async Task SetTimeZoneAsync(this PortalApp app, TestFirm firm, string timeZone)
    {
        await using var db = app.OpenDb(firm.Id);
        var stored = await db.Firms.SingleAsync();
        stored.ChangeTimeZone(timeZone);
        await db.SaveChangesAsync();
    }

    public static async Task<List<Invoice>> InvoicesOfAsync(this PortalApp app, TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.Invoices.AsNoTracking().OrderBy(i => i.Number).ToListAsync();
    }

    public static async Task<List<RecurringInvoice>> GeneratedOfAsync(this PortalApp app, TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.RecurringInvoices.AsNoTracking().ToListAsync();
    }

    public static async Task<List<EmailMessage>> RecurringEmailsAsync(this PortalApp app, TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.Set<EmailMessage>().AsNoTracking().Where(m => m.IdempotencyKey != null && m.IdempotencyKey.StartsWith("recurring:")).ToListAsync();
    }

    public static async Task<string> BillingEmailAsync(this PortalApp app, TestClient client)
    {
        await using var db = app.OpenDb(client.Firm.Id);
        return await db.ClientAccounts.Where(c => c.Id == client.Id).Select(c => c.BillingEmail).SingleAsync();
    }
}
