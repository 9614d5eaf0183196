using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Firms;
using Portal.Domain.Reminders;
using Portal.Email;
using Portal.Reminders;
using Portal.Tests.Fixture;

namespace Portal.Tests.Reminders;

/// <summary>Helpers the reminder tests share: a firm's schedule switched on, the firm's local day, what was reminded.</summary>
internal static partial class ReminderTestKit
{
    public static Task TurnOnRemindersAsync(this PortalApp app, TestFirm firm, Action<ReminderPolicy>? change = null)
    {
        app.Services.GetRequiredService<IConfiguration>()["Portal:PublicBaseUrl"] = app.BaseUrl.ToString();
        var policy = new ReminderPolicy { Enabled = true };
        change?.Invoke(policy);
        return app.AsStaffOfAsync<ReminderSettings>(firm, s => s.SaveAsync(policy, Firm.DefaultTimeZone));
    }

    /// <summary>The firm's local day now (Paris): what "today" means to the sweep, which can be a day after UTC's late in the evening.</summary>
    public static DateOnly LocalToday(this PortalApp app) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(Firm.DefaultTimeZone)).DateTime);

    /// <summary>An invoice due <paramref name="days"/> from the firm's local today (negative: overdue by that much), issued that many days before today.</summary>
    public static InvoiceBuilder DueInLocalDays(this InvoiceBuilder invoice, PortalApp app, int days, int issuedDaysAgo = 0) =>
        invoice.IssuedDaysAgo(issuedDaysAgo).DueInDays(app.LocalToday().DayNumber - app.Today.DayNumber + days + issuedDaysAgo);

    public static Portal.Reminders.Reminders Sweeper(this PortalApp app) => app.Services.GetRequiredService<Portal.Reminders.Reminders>();

    public static async Task<List<Reminder>> RemindersOfAsync(this PortalApp app, TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.Reminders.AsNoTracking().OrderBy(r => r.QueuedAt).ToListAsync();
    }

    public static async Task<List<EmailMessage>> ReminderEmailsAsync(this PortalApp app, TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.Set<EmailMessage>().AsNoTracking().Where(m => m.IdempotencyKey != null && m.IdempotencyKey.StartsWith("reminder:")).ToListAsync();
    }

    public static async Task<string> BillingEmailAsync(this PortalApp app, TestClient client)
    {
        await using var db = app.OpenDb(client.Firm.Id);
        return await db.ClientAccounts.Where(c => c.Id == client.Id).Select(c => c.BillingEmail).SingleAsync();
    }

    public static string PayLinkToken(string body) => PayLink().Match(body) is { Success: true } match ? match.Groups[1].Value : throw new ShouldAssertException($"No pay link in: {body}");

    [GeneratedRegex(@"/pay/([A-Za-z0-9_\-]{20,})")]
    private static partial Regex PayLink();
}
