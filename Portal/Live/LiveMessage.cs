using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain;

namespace Portal.Live;

/// <summary>What changed, in the words of the pages that show it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LiveKind>))]
public enum LiveKind { Payment, Invoice, Credit, Mandate, Notification }

/// <summary>
/// The outbox of live updates: one row per thing a committed change touched, written by the same SaveChanges as
/// the change (see <see cref="LiveOutboxInterceptor"/>). A change that rolls back leaves no row; a row committed
/// just before a crash is still published by the next sweep of <see cref="LiveOutboxPublisher"/>, on any instance.
/// </summary>
public sealed class LiveMessage : ITenantOwned
{
    public const int MaxStatusLength = 60;

    private LiveMessage() { }

    public LiveMessage(Guid firmId, Guid? clientAccountId, LiveKind kind, Guid subjectId, string status, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        ClientAccountId = clientAccountId;
        Kind = kind;
        SubjectId = subjectId;
        Status = status.Length > MaxStatusLength ? status[..MaxStatusLength] : status;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    /// <summary>The client account whose contacts may see it; null for what only staff see (drafts).</summary>
    public Guid? ClientAccountId { get; private set; }
    public LiveKind Kind { get; private set; }
    /// <summary>The payment, invoice, wallet or mandate that changed.</summary>
    public Guid SubjectId { get; private set; }
    public string Status { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? PublishedAt { get; private set; }

    public LiveUpdate ToUpdate() => new(Kind, FirmId, ClientAccountId, SubjectId, Status);
}

internal sealed class LiveMessageConfiguration : IEntityTypeConfiguration<LiveMessage>
{
    public void Configure(EntityTypeBuilder<LiveMessage> message)
    {
        message.ToTable("LiveMessages");
        message.HasKey(m => m.Id);
        message.Property(m => m.Status).HasMaxLength(LiveMessage.MaxStatusLength);
        // The publisher looks for unpublished rows, oldest first, and sweeps old published ones away.
        message.HasIndex(m => new { m.PublishedAt, m.CreatedAt });
    }
}
