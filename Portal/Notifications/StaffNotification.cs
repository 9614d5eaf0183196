using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain;

namespace Portal.Notifications;

public enum NotificationKind { PaymentReceived, PaymentFailed, PaymentReversed, RefundFailed }

/// <summary>How often a member of staff hears about payments. Without a choice: never (the firm picks who is told).</summary>
public enum NotificationFrequency
{
    None,
    /// <summary>An email and an in-app notice for every payment, received or failed.</summary>
    EveryPayment,
    /// <summary>In-app notices as they come, and one email a day listing them.</summary>
    DailyDigest,
    /// <summary>An email and an in-app notice only when a payment fails or is taken back.</summary>
    FailuresOnly,
}

/// <summary>
/// One in-app notice for one member of staff (the bell in the staff layout counts the unread ones). Written in the
/// same transaction as the payment change it tells of, so it exists exactly when the change does. It stores what
/// happened, not a sentence, so each reader sees it in their own language.
/// </summary>
public sealed class StaffNotification : ITenantOwned
{
    private StaffNotification() { }

    public StaffNotification(Guid firmId, string userId, NotificationKind kind, Guid paymentId, string clientName, Money amount, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        UserId = userId;
        Kind = kind;
        PaymentId = paymentId;
        ClientName = clientName.Length > 200 ? clientName[..200] : clientName;
        AmountMinor = amount.Minor;
        Currency = amount.Currency;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public string UserId { get; private set; } = "";
    public NotificationKind Kind { get; private set; }
    public Guid PaymentId { get; private set; }
    public string ClientName { get; private set; } = "";
    public long AmountMinor { get; private set; }
    public Currency Currency { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ReadAt { get; private set; }

    public Money Amount => new(AmountMinor, Currency);

    public void MarkRead(DateTimeOffset at) => ReadAt ??= at;
}

/// <summary>A member of staff's choice of <see cref="NotificationFrequency"/>.</summary>
public sealed class NotificationPreference : ITenantOwned
{
    private NotificationPreference() { }

    public NotificationPreference(Guid firmId, string userId, NotificationFrequency frequency)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        UserId = userId;
        Frequency = frequency;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public string UserId { get; private set; } = "";
    public NotificationFrequency Frequency { get; private set; }

    public void Change(NotificationFrequency frequency) => Frequency = frequency;
}

internal sealed class StaffNotificationConfiguration : IEntityTypeConfiguration<StaffNotification>
{
    public void Configure(EntityTypeBuilder<StaffNotification> notification)
    {
        notification.ToTable("StaffNotifications");
        notification.HasKey(n => n.Id);
        notification.Property(n => n.UserId).HasMaxLength(450);
        notification.Property(n => n.ClientName).HasMaxLength(200);
        // The bell counts a user's unread notices; the digest reads a user's notices of one day.
        notification.HasIndex(n => new { n.UserId, n.ReadAt });
        notification.HasIndex(n => new { n.UserId, n.CreatedAt });
    }
}

internal sealed class NotificationPreferenceConfiguration : IEntityTypeConfiguration<NotificationPreference>
{
    public void Configure(EntityTypeBuilder<NotificationPreference> preference)
    {
        preference.ToTable("NotificationPreferences");
        preference.HasKey(p => p.Id);
        preference.Property(p => p.UserId).HasMaxLength(450);
        preference.HasIndex(p => new { p.FirmId, p.UserId }).IsUnique();
    }
}
