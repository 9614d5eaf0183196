using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Firms;
using Portal.Email;
using Portal.Email.Templates;
using Portal.Payments;
using Portal.Tenancy;

namespace Portal.Notifications;

/// <summary>
/// Once a day, one email to each member of staff who chose <see cref="NotificationFrequency.DailyDigest"/>, listing
/// the notices of the day before, on the firm's calendar (its time zone): a Paris firm's digest goes out once Paris's
/// day is over. The key <c>digest:{userId}:{yyyy-MM-dd}</c> makes a second run (another instance, a restart the same
/// day) a no-op; a day without notices sends nothing.
/// </summary>
internal sealed class NotificationDigest(IServiceScopeFactory scopes, TimeProvider clock, ILogger<NotificationDigest> logger) : BackgroundService
{
    // Who was already dealt with for which day, so a pass every few minutes only reads the list of readers.
    private readonly ConcurrentDictionary<(string UserId, DateOnly Day), bool> _done = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            try
            {
                await SendForAsync(calendar => calendar.DayOf(now).AddDays(-1), stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "The daily digests due at {Now} could not be queued; will try again", now);
            }
            await Task.Delay(TimeSpan.FromMinutes(5), clock, stoppingToken);
        }
    }

    /// <summary>Queues the digest of <paramref name="day"/> (each firm's own day) for everyone who chose it; returns how many were queued now.</summary>
    internal Task<int> SendAsync(DateOnly day, CancellationToken cancellationToken = default) => SendForAsync(_ => day, cancellationToken);

    private async Task<int> SendForAsync(Func<BusinessCalendar, DateOnly> dayOf, CancellationToken cancellationToken)
    {
        List<(Guid FirmId, string UserId, string TimeZone)> readers;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDatabase>().Open(scope.ServiceProvider.GetRequiredService<TenantContext>());
            await using (db)
                readers = (await (from preference in db.Set<NotificationPreference>().IgnoreQueryFilters().AsNoTracking()
                                  where preference.Frequency == NotificationFrequency.DailyDigest
                                  join firm in db.Firms.IgnoreQueryFilters() on preference.FirmId equals firm.Id
                                  select new { preference.FirmId, preference.UserId, firm.TimeZone }).ToListAsync(cancellationToken))
                    .Select(p => (p.FirmId, p.UserId, p.TimeZone)).ToList();
        }
        var queued = 0;
        foreach (var (firmId, userId, timeZone) in readers)
        {
            var calendar = new BusinessCalendar(timeZone);
            var day = dayOf(calendar);
            if (_done.ContainsKey((userId, day)))
                continue;
            if (await SendOneAsync(firmId, userId, day, calendar.StartOf(day), calendar.EndOf(day), cancellationToken))
                queued++;
            _done[(userId, day)] = true;
        }
        // Days long past are not asked for again: forget them, once per pass.
        if (readers.Count > 0 && _done.Keys.Max(k => k.Day) is var latest)
            foreach (var old in _done.Keys.Where(k => k.Day < latest.AddDays(-7)))
                _done.TryRemove(old, out _);
        if (queued > 0)
            scopes.CreateScope().ServiceProvider.GetRequiredService<Mailer>().Flush();
        return queued;
    }

    private async Task<bool> SendOneAsync(Guid firmId, string userId, DateOnly day, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
        tenant.ActFor(firmId);
        await using var db = scope.ServiceProvider.GetRequiredService<PortalDatabase>().Open(tenant);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId && u.FirmId == firmId).Select(u => new { u.Email, u.DisplayName, u.Culture }).SingleOrDefaultAsync(cancellationToken);
        if (user?.Email is null)
            return false;
        var notices = await db.Set<StaffNotification>().AsNoTracking().Where(n => n.UserId == userId && n.CreatedAt >= from && n.CreatedAt < to)
            .OrderBy(n => n.CreatedAt).ToListAsync(cancellationToken);
        if (notices.Count == 0)
            return false;
        var firmName = await db.Firms.AsNoTracking().Select(f => f.Name).SingleAsync(cancellationToken);
        var culture = EmailTemplates.CultureOf(user.Culture == "fr" ? "fr" : "en");
        var T = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<Localization.Text>>();
        string Status(NotificationKind kind)
        {
            var previous = CultureInfo.CurrentUICulture;
            CultureInfo.CurrentUICulture = culture;
            try { return T["Notification" + kind].Value; } finally { CultureInfo.CurrentUICulture = previous; }
        }
        var lines = notices.Select(n => new DigestLine(n.ClientName, n.Amount, Status(n.Kind))).ToList();
        var configuration = scope.ServiceProvider.GetRequiredService<IConfiguration>();
        var link = $"{(configuration["Portal:PublicBaseUrl"] is { Length: > 0 } configured ? configured.TrimEnd('/') : "http://localhost:5080")}/staff/notifications";
        var model = new EmailModel().Firm(firmName).Recipient(user.DisplayName).Digest(day, lines).PortalLink(link);
        var rendered = await scope.ServiceProvider.GetRequiredService<EmailTemplates>().RenderAsync(db, firmId, EmailTemplateKind.StaffDigest, culture, model, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var queued = await scope.ServiceProvider.GetRequiredService<Mailer>().QueueOnceAsync(db,
            new EmailMessage(firmId, user.Email, rendered.Subject, rendered.Text, rendered.Html, clock.GetUtcNow(), $"digest:{userId}:{day:yyyy-MM-dd}"), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return queued;
    }
}

public static class NotificationsSetup
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddScoped<PaymentNotices>();
        services.AddScoped<StaffNotifications>();
        services.AddSingleton<NotificationDigest>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationDigest>());
        return services;
    }
}
