using Microsoft.Extensions.Localization;
using MudBlazor;
using Portal.Localization;

namespace Portal.DirectDebit;

/// <summary>How a mandate reads to people: its scheme in words, its status and the colour of that status.</summary>
public static class MandateText
{
    /// <summary>"SEPA Direct Debit", "Bacs Direct Debit"…, never GoCardless's code ("sepa_core").</summary>
    public static string Scheme(IStringLocalizer<Text> T, string scheme) => scheme switch
    {
        "sepa_core" => T["SchemeSepaCore"],
        "bacs" => T["SchemeBacs"],
        // Names of national schemes, the same in every language.
        "ach" => "ACH",
        "autogiro" => "Autogiro",
        "becs" => "BECS Direct Debit",
        "becs_nz" => "BECS NZ Direct Debit",
        "betalingsservice" => "Betalingsservice",
        "faster_payments" => "Faster Payments",
        "pad" => "PAD (Canada)",
        "pay_to" => "PayTo",
        _ => scheme,
    };

    public static string Status(IStringLocalizer<Text> T, MandateStatus status) => T["MandateStatus_" + status];

    /// <summary>Green only once the bank has accepted it: a mandate being set up is not yet one to rely on.</summary>
    public static Color Colour(MandateStatus status) => status switch
    {
        MandateStatus.Active => Color.Success,
        MandateStatus.PendingCustomerApproval or MandateStatus.PendingSubmission or MandateStatus.Submitted => Color.Info,
        MandateStatus.SuspendedByPayer => Color.Warning,
        MandateStatus.Failed or MandateStatus.Blocked => Color.Error,
        MandateStatus.Cancelled or MandateStatus.Expired or MandateStatus.Consumed or MandateStatus.Unknown => Color.Default,
    };
}
