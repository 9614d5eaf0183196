using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Firms;

namespace Portal.Firms;

/// <summary>What an owner or admin sets on the payment policy page; amounts in the firm's default currency.</summary>
public sealed record PaymentPolicyInput(
    bool PartialPaymentsAllowed, MinimumKind PartialMinimumKind, long PartialMinimumMinor, int PartialMinimumBasisPoints,
    bool PrepaymentsAllowed, long PrepaymentMinimumMinor, CreditAutoApply CreditAutoApply,
    bool ChargeSavedCardsOnDueDate = true, bool ClientsChooseAutomaticPayment = true);

public sealed record BrandingInput(string Name, string? PrimaryColor, string? LogoDataUrl, string InvoicePrefix, string DefaultCurrencyCode);

/// <summary>Owner and admin changes to the firm itself.</summary>
public sealed class FirmSettings(IDbContextFactory<PortalDbContext> dbFactory, AuditRecorder audit)
{
    public async Task SaveBrandingAsync(BrandingInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        DomainException.OnField(nameof(input.Name), () => firm.Rename(input.Name));
        firm.Brand(string.IsNullOrWhiteSpace(input.PrimaryColor) ? null : input.PrimaryColor.Trim(), input.LogoDataUrl);
        DomainException.OnField(nameof(input.InvoicePrefix), () => firm.SetInvoicePrefix(input.InvoicePrefix));
        firm.ChangeDefaultCurrency(Currency.FromCode(input.DefaultCurrencyCode));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Changes how clients may pay; the payment methods and direct-debit settings are kept as they are.</summary>
    public async Task SavePaymentPolicyAsync(PaymentPolicyInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        var current = firm.Policy;
        var before = Describe(current);
        firm.ChangePolicy(new PaymentPolicy
        {
            PartialPaymentsAllowed = input.PartialPaymentsAllowed,
            PartialMinimumKind = input.PartialPaymentsAllowed ? input.PartialMinimumKind : MinimumKind.None,
            PartialMinimumMinor = input.PartialMinimumKind == MinimumKind.FixedAmount ? input.PartialMinimumMinor : 0,
            PartialMinimumBasisPoints = input.PartialMinimumKind == MinimumKind.PercentOfDue ? input.PartialMinimumBasisPoints : 0,
            PrepaymentsAllowed = input.PrepaymentsAllowed,
            PrepaymentMinimumMinor = input.PrepaymentsAllowed ? input.PrepaymentMinimumMinor : 0,
            CreditAutoApply = input.CreditAutoApply,
            MethodsAllowed = current.MethodsAllowed,
            AutoCollectDirectDebitOnDueDate = current.AutoCollectDirectDebitOnDueDate,
            DirectDebitRetryDays = current.DirectDebitRetryDays,
            DirectDebitRetryWaitsForPayday = current.DirectDebitRetryWaitsForPayday,
            ChargeSavedCardsOnDueDate = input.ChargeSavedCardsOnDueDate,
            ClientsChooseAutomaticPayment = input.ClientsChooseAutomaticPayment,
        });
        audit.Record(db, "Payment policy changed", "Firm", firm.Id, before, Describe(firm.Policy));
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Describe(PaymentPolicy policy) =>
        $"partial {(policy.PartialPaymentsAllowed ? "on" : "off")} (minimum {policy.PartialMinimumKind} {policy.PartialMinimumMinor} / {policy.PartialMinimumBasisPoints} bp); " +
        $"prepayments {(policy.PrepaymentsAllowed ? "on" : "off")} (minimum {policy.PrepaymentMinimumMinor}); credit auto-apply {policy.CreditAutoApply}; " +
        $"saved cards charged on due dates {(policy.ChargeSavedCardsOnDueDate ? "on" : "off")}; clients choose automatic payment {(policy.ClientsChooseAutomaticPayment ? "on" : "off")}";
}

public static class FirmsSetup
{
    public static IServiceCollection AddFirms(this IServiceCollection services) => services.AddScoped<FirmSettings>().AddScoped<FirmCalendar>();
}
