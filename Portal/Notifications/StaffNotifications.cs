using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;

namespace Portal.Notifications;

/// <summary>A member of staff's own notices and notification choice; every read is limited to the signed-in user in the current firm.</summary>
public sealed class StaffNotifications(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public const int ListSize = 50;

    public async Task<int> UnreadCountAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<StaffNotification>().CountAsync(n => n.UserId == userId && n.ReadAt == null, cancellationToken);
    }

    public async Task<List<StaffNotification>> LatestAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<StaffNotification>().AsNoTracking().Where(n => n.UserId == userId)
            .OrderByDescending(n => n.CreatedAt).Take(ListSize).ToListAsync(cancellationToken);
    }

    /// <summary>Marks the user's unread notices read; the bell hears of it and counts again.</summary>
    public async Task MarkAllReadAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var unread = await db.Set<StaffNotification>().Where(n => n.UserId == userId && n.ReadAt == null).ToListAsync(cancellationToken);
        foreach (var notification in unread)
            notification.MarkRead(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<NotificationFrequency> FrequencyAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<NotificationPreference>().Where(p => p.UserId == userId).Select(p => (NotificationFrequency?)p.Frequency)
            .SingleOrDefaultAsync(cancellationToken) ?? NotificationFrequency.None;
    }

    public async Task ChooseAsync(string userId, NotificationFrequency frequency, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(frequency))
            throw new DomainException("Choose how often to hear about payments.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Sign in to a firm to choose notifications.");
        var preference = await db.Set<NotificationPreference>().SingleOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        if (preference is null)
            db.Add(new NotificationPreference(firmId, userId, frequency));
        else
            preference.Change(frequency);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (preference is null)
        {
            // The same person chose in two tabs at once: the other choice is saved; keep this later one.
            await using var again = await dbFactory.CreateDbContextAsync(cancellationToken);
            await again.Set<NotificationPreference>().Where(p => p.UserId == userId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Frequency, frequency), cancellationToken);
        }
    }
}
