using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;
using Portal.Domain.Recurring;

namespace Portal.Recurring;

internal sealed class RecurringScheduleConfiguration : IEntityTypeConfiguration<RecurringSchedule>
{
    public void Configure(EntityTypeBuilder<RecurringSchedule> schedule)
    {
        schedule.ToTable("RecurringSchedules");
        schedule.HasKey(s => s.Id);
        schedule.HasOne<ClientAccount>().WithMany().HasForeignKey(s => s.ClientAccountId).OnDelete(DeleteBehavior.Restrict);
        // The generator's question, "which active schedules are due by today?", walks this index.
        schedule.HasIndex(s => new { s.Status, s.NextIssueOn });
        schedule.HasIndex(s => new { s.FirmId, s.ClientAccountId });
        schedule.Property(s => s.Reference).HasMaxLength(100);
        schedule.Property(s => s.Version).IsConcurrencyToken();
        schedule.Ignore(s => s.Total);
        schedule.Ignore(s => s.Rule);
        schedule.Ignore(s => s.NextPeriod);
        schedule.Ignore(s => s.MonthlyRecurring);
        schedule.OwnsMany(s => s.Lines, line =>
        {
            line.ToTable("RecurringScheduleLines");
            line.WithOwner().HasForeignKey("ScheduleId");
            line.HasKey(l => l.Id);
            line.Property(l => l.Description).HasMaxLength(500);
            line.Property(l => l.Quantity).HasPrecision(18, 3);
        });
        schedule.Navigation(s => s.Lines).HasField("_lines");
    }
}

internal sealed class RecurringInvoiceConfiguration : IEntityTypeConfiguration<RecurringInvoice>
{
    public void Configure(EntityTypeBuilder<RecurringInvoice> generated)
    {
        generated.ToTable("RecurringInvoices");
        generated.HasKey(g => g.Id);
        // Exactly once per period, whatever the number of instances and restarts: the database decides.
        generated.HasIndex(g => new { g.ScheduleId, g.PeriodStart }).IsUnique();
        generated.HasIndex(g => g.InvoiceId).IsUnique();
        generated.HasOne<RecurringSchedule>().WithMany().HasForeignKey(g => g.ScheduleId).OnDelete(DeleteBehavior.Restrict);
        generated.HasOne<Invoice>().WithMany().HasForeignKey(g => g.InvoiceId).OnDelete(DeleteBehavior.Restrict);
    }
}
