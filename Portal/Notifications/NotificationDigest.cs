using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Email;
using Portal.Email.Templates;
using Portal.Payments;
using Portal.Tenancy;

namespace Portal.Notifications;

/// <summary>
/// Once a day, one email to each member of staff who chose <see cref="NotificationFrequency.DailyDigest"/>, listing
/// the notices of the day before. Days are UTC days: the firm has no time zone of its own yet, and one boundary for
/// all keeps "yesterday" the same on every instance. The key <c>digest:{userId}:{yyyy-MM-dd}</c> makes a second run
/// (another instance, a restart the same day) a no-op; a day without notices sends nothing.
/// </summary>
internal sealed class NotificationDigest(IServiceScopeFactory scopes, TimeProvider clock, ILogger<NotificationDigest> logger) : BackgroundService
{
    private DateOnly _doneFor;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var yesterday = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);
            if (_doneFor != yesterday)
            {
                try
                {
                    await SendAsync(yesterday, stoppingToken);
                    _doneFor = yesterday;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "The daily digest for {Day} could not be queued; will try again", yesterday);
                }
            }
            await Task.Delay(TimeSpan.FromMinutes(5), clock, stoppingToken);
        }
    }

    /// <summary>Queues the digest of <paramref name="day"/> for everyone who chose it; returns how many were queued now.</summary>
    internal async Task<int> SendAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var to = from.AddDays(1);
        List<(Guid FirmId, string UserId)> readers;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDatabase>().Open(scope.ServiceProvider.GetRequiredService<TenantContext>());
            await using (db)
                readers = (await db.Set<NotificationPreference>().IgnoreQueryFilters().AsNoTracking()
                    .Where(p => p.Frequency == NotificationFrequency.DailyDigest).Select(p => new { p.FirmId, p.UserId }).ToListAsync(cancellationToken))
                    .Select(p => (p.FirmId, p.UserId)).ToList();
        }
        var queued = 0;
        foreach (var (firmId, userId) in readers)
            if (await SendOneAsync(firmId, userId, day, from, to, cancellationToken))
                queued++;
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
