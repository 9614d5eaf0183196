using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;

namespace Portal.Deposits;

internal sealed class DepositInvoiceConfiguration : IEntityTypeConfiguration<DepositInvoice>
{
    public void Configure(EntityTypeBuilder<DepositInvoice> deposit)
    {
        deposit.HasKey(d => d.Id);
        // A number is given once per firm; the sequence's row lock makes that so, the index proves it.
        deposit.HasIndex(d => new { d.FirmId, d.Number }).IsUnique();
        // One deposit invoice per payment: a replayed report, or a second instance applying it, can never issue two.
        deposit.HasIndex(d => d.PaymentId).IsUnique();
        deposit.HasIndex(d => new { d.ClientAccountId, d.IssuedAt });
        // No foreign keys to the payment or the ledger: the batched save writes its rows in its own order (see CreditNoteConfiguration).
        deposit.HasOne<ClientAccount>().WithMany().HasForeignKey(d => d.ClientAccountId).OnDelete(DeleteBehavior.Restrict);
        deposit.Property(d => d.Number).HasMaxLength(30);
        deposit.Ignore(d => d.Total);
        deposit.Ignore(d => d.Net);
        deposit.Ignore(d => d.Tax);
        deposit.Ignore(d => d.Remaining);
        // Deductions and refunds move the consumed amounts: a write based on a stale read is refused.
        deposit.Property(d => d.Version).IsConcurrencyToken();
    }
}

internal sealed class DepositDeductionConfiguration : IEntityTypeConfiguration<DepositDeduction>
{
    public void Configure(EntityTypeBuilder<DepositDeduction> deduction)
    {
        deduction.HasKey(d => d.Id);
        deduction.HasIndex(d => d.InvoiceId);
        // One line per deposit per use of credit.
        deduction.HasIndex(d => new { d.PaymentId, d.DepositInvoiceId }).IsUnique();
        deduction.HasIndex(d => d.LedgerTransactionId);
        deduction.HasOne<DepositInvoice>().WithMany().HasForeignKey(d => d.DepositInvoiceId).OnDelete(DeleteBehavior.Restrict);
        deduction.HasOne<Invoice>().WithMany().HasForeignKey(d => d.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        deduction.Property(d => d.DepositNumber).HasMaxLength(30);
        deduction.Ignore(d => d.Total);
        deduction.Ignore(d => d.Net);
        deduction.Ignore(d => d.Tax);
    }
}

internal sealed class DepositInvoiceSequenceConfiguration : IEntityTypeConfiguration<DepositInvoiceSequence>
{
    public void Configure(EntityTypeBuilder<DepositInvoiceSequence> sequence)
    {
        sequence.HasKey(s => s.FirmId);
        sequence.Property(s => s.FirmId).ValueGeneratedNever();
        sequence.Property(s => s.Prefix).HasMaxLength(12);
        // Two deposit invoices issued at once must not take the same number: the counter is a concurrency token too.
        sequence.Property(s => s.Next).IsConcurrencyToken();
    }
}

internal sealed class DepositInvoiceSettingsConfiguration : IEntityTypeConfiguration<DepositInvoiceSettings>
{
    public void Configure(EntityTypeBuilder<DepositInvoiceSettings> settings)
    {
        settings.ToTable("DepositInvoiceSettings");
        settings.HasKey(s => s.FirmId);
        settings.Property(s => s.FirmId).ValueGeneratedNever();
        settings.Property(s => s.Version).IsConcurrencyToken();
    }
}
