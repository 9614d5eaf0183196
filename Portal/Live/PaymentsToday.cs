using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Payments;

namespace Portal.Live;

/// <summary>One payment in the staff's live feed, at the time it last moved.</summary>
public sealed record PaymentFeedLine(Guid Id, Guid ClientAccountId, string ClientName, PaymentMethod Method, PaymentStatus Status, Money Amount, DateTimeOffset MovedAt);

/// <summary>Money collected today and money in flight, per currency, with the payments that moved today, latest first.</summary>
public sealed record PaymentsTodaySummary(IReadOnlyList<Money> Collected, IReadOnlyList<Money> Pending, IReadOnlyList<PaymentFeedLine> Latest);

/// <summary>
/// The staff dashboard's live payments feed. "Collected" is money from clients that succeeded today (the firm's day),
/// whatever happened to it since; credit used on an invoice is not new money and is left out. "Pending" is
/// every payment still in flight, never counted as collected.
/// </summary>
public sealed class PaymentsToday(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public const int FeedLength = 10;

    public async Task<PaymentsTodaySummary> ForFirmAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var calendar = await Portal.Firms.FirmCalendar.OfAsync(db, cancellationToken);
        var startOfDay = calendar.StartOf(calendar.DayOf(clock.GetUtcNow()));
        // An attempt that never reached the provider's money stage is no payment: the feed leaves it out.
        var moved = await db.Payments.AsNoTracking().Where(Payment.ReachedMoneyStage)
            .Where(p => p.CreatedAt >= startOfDay || p.PendingAt >= startOfDay || p.SucceededAt >= startOfDay || p.SettledAt >= startOfDay
                || p.FailedAt >= startOfDay || p.CancelledAt >= startOfDay || p.ReversedAt >= startOfDay || p.LastRefundedAt >= startOfDay)
            .Select(p => new { p.Id, p.ClientAccountId, p.Method, p.Status, p.AmountMinor, p.Currency, p.CreatedAt, p.PendingAt, p.SucceededAt, p.SettledAt, p.FailedAt, p.CancelledAt, p.ReversedAt, p.LastRefundedAt })
            .ToListAsync(cancellationToken);
        var pending = await db.Payments.Where(p => p.Status == PaymentStatus.Pending)
            .GroupBy(p => p.Currency).Select(g => new { Currency = g.Key, Minor = g.Sum(p => p.AmountMinor) }).ToListAsync(cancellationToken);

        var collected = moved.Where(p => p.Method != PaymentMethod.Credit && p.SucceededAt >= startOfDay
                && p.Status is PaymentStatus.Succeeded or PaymentStatus.Settled or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded)
            .GroupBy(p => p.Currency).Select(g => new Money(g.Sum(p => p.AmountMinor), g.Key));
        var latest = moved
            .Select(p => (Payment: p, MovedAt: new[] { p.CreatedAt, p.PendingAt, p.SucceededAt, p.SettledAt, p.FailedAt, p.CancelledAt, p.ReversedAt, p.LastRefundedAt }.Max(t => t ?? DateTimeOffset.MinValue)))
            .OrderByDescending(p => p.MovedAt).Take(FeedLength).ToList();
        var clientIds = latest.Select(p => p.Payment.ClientAccountId).Distinct().ToArray();
        var names = await db.ClientAccounts.Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        return new PaymentsTodaySummary(
            collected.OrderBy(m => m.Currency.Code).ToList(),
            pending.Select(p => new Money(p.Minor, p.Currency)).OrderBy(m => m.Currency.Code).ToList(),
            latest.Select(p => new PaymentFeedLine(p.Payment.Id, p.Payment.ClientAccountId, names.GetValueOrDefault(p.Payment.ClientAccountId, ""), p.Payment.Method,
                p.Payment.Status, new Money(p.Payment.AmountMinor, p.Payment.Currency), p.MovedAt)).ToList());
    }
}
