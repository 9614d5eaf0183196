using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Reminders;

namespace Portal.Reminders;

internal sealed class ReminderConfiguration : IEntityTypeConfiguration<Reminder>
{
    public void Configure(EntityTypeBuilder<Reminder> reminder)
    {
        reminder.ToTable("Reminders");
        reminder.HasKey(r => r.Id);
        // Each (invoice, step) once, whatever the number of sweeps and instances: the database decides.
        reminder.HasIndex(r => new { r.FirmId, r.Key }).IsUnique();
        reminder.HasIndex(r => new { r.FirmId, r.InvoiceId });
        // The send phase finds what is left to send.
        reminder.HasIndex(r => new { r.Status, r.QueuedAt });
        reminder.Property(r => r.Key).HasMaxLength(Reminder.MaxKeyLength);
        reminder.Property(r => r.RequestedBy).HasMaxLength(200);
        reminder.Property(r => r.Recipient).HasMaxLength(254);
        reminder.HasOne<Invoice>().WithMany().HasForeignKey(r => r.InvoiceId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The firm's reminder schedule and time zone, kept with the firm.</summary>
internal sealed class FirmRemindersConfiguration : IEntityTypeConfiguration<Firm>
{
    public void Configure(EntityTypeBuilder<Firm> firm)
    {
        firm.ComplexProperty(f => f.Reminders);
        firm.Property(f => f.TimeZone).HasMaxLength(64).HasDefaultValue(Firm.DefaultTimeZone);
    }
}

internal sealed class ClientRemindersConfiguration : IEntityTypeConfiguration<ClientAccount>
{
    public void Configure(EntityTypeBuilder<ClientAccount> client) => client.Property(c => c.PromiseNote).HasMaxLength(ClientAccount.MaxPromiseNoteLength);
}
