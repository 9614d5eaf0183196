using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Firms;

namespace Portal.Firms;

/// <summary>
/// The signed-in firm's <see cref="BusinessCalendar"/>: "today", a payment's day, a document's date as the firm
/// counts them. The firm's time zone is read once per scope (a request, a circuit, a job), so a change to it shows on
/// the next page load. Outside a firm (no one signed in) the default zone is used.
/// </summary>
public sealed class FirmCalendar(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    private BusinessCalendar? _calendar;

    /// <summary>Reads the firm's time zone, once; <see cref="Today"/> and <see cref="Calendar"/> need it.</summary>
    public async ValueTask<BusinessCalendar> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (_calendar is { } loaded)
            return loaded;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        _calendar = await OfAsync(db, cancellationToken);
        return _calendar.Value;
    }

    /// <summary>The calendar of the firm <paramref name="db"/> serves: the tenant filter leaves the signed-in person's own firm, or none (the default zone).</summary>
    public static async Task<BusinessCalendar> OfAsync(PortalDbContext db, CancellationToken cancellationToken = default) =>
        new(await db.Firms.AsNoTracking().Select(f => f.TimeZone).SingleOrDefaultAsync(cancellationToken) ?? Firm.DefaultTimeZone);

    public async ValueTask<DateOnly> TodayAsync(CancellationToken cancellationToken = default) =>
        (await LoadAsync(cancellationToken)).DayOf(clock.GetUtcNow());

    /// <summary>The firm's calendar; <see cref="LoadAsync"/> must have run in this scope (a <c>PortalPage</c> runs it before its first render).</summary>
    public BusinessCalendar Calendar => _calendar ?? throw new InvalidOperationException("The firm's calendar is read before its time zone was loaded.");

    /// <summary>The firm's local date now; <see cref="LoadAsync"/> must have run in this scope.</summary>
    public DateOnly Today => Calendar.DayOf(clock.GetUtcNow());
}
