using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Books;

namespace Portal.Books;

internal sealed class ChartOfAccountsConfiguration : IEntityTypeConfiguration<ChartOfAccounts>
{
    public void Configure(EntityTypeBuilder<ChartOfAccounts> chart)
    {
        chart.ToTable("ChartsOfAccounts");
        chart.HasKey(c => c.FirmId);
        chart.Property(c => c.Version).IsConcurrencyToken();
        chart.Property(c => c.Language).HasMaxLength(2);
        foreach (var number in new[] { nameof(ChartOfAccounts.ClientsAccount), nameof(ChartOfAccounts.SalesAccount), nameof(ChartOfAccounts.VatCollectedAccount),
                     nameof(ChartOfAccounts.PrepaymentsAccount), nameof(ChartOfAccounts.StripeClearingAccount), nameof(ChartOfAccounts.GoCardlessClearingAccount),
                     nameof(ChartOfAccounts.PayPalClearingAccount),
                     nameof(ChartOfAccounts.BankAccount), nameof(ChartOfAccounts.FeesAccount), nameof(ChartOfAccounts.WriteOffAccount) })
            chart.Property<string>(number).HasMaxLength(12);
        foreach (var journal in new[] { nameof(ChartOfAccounts.SalesJournal), nameof(ChartOfAccounts.BankJournal), nameof(ChartOfAccounts.StripeJournal),
                     nameof(ChartOfAccounts.GoCardlessJournal), nameof(ChartOfAccounts.PayPalJournal), nameof(ChartOfAccounts.MiscellaneousJournal) })
            chart.Property<string>(journal).HasMaxLength(6);
        chart.Ignore(c => c.Current);
    }
}

internal sealed class ClosedPeriodConfiguration : IEntityTypeConfiguration<ClosedPeriod>
{
    public void Configure(EntityTypeBuilder<ClosedPeriod> period)
    {
        period.HasKey(p => p.Id);
        // A month is closed once: a second close racing the first fails here.
        period.HasIndex(p => new { p.FirmId, p.Year, p.Month }).IsUnique();
        period.Property(p => p.ClosedBy).HasMaxLength(200);
        period.Ignore(p => p.Period);
    }
}
