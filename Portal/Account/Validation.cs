using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.Mail;
using System.Resources;
using Microsoft.AspNetCore.Identity;
using Portal.Localization;

namespace Portal.Account;

/// <summary>Form validation with messages from Text.resx, since the built-in attributes speak English only.</summary>
internal static class ValidationText
{
    private static readonly ResourceManager Resources = new("Portal.Localization.Text", typeof(Text).Assembly);

    public static string Get(string key) => Resources.GetString(key, CultureInfo.CurrentUICulture) ?? key;
}

[AttributeUsage(AttributeTargets.Property)]
internal sealed class NeededAttribute : RequiredAttribute
{
    public override string FormatErrorMessage(string name) => ValidationText.Get("FieldRequired");
}

[AttributeUsage(AttributeTargets.Property)]
internal sealed class EmailFieldAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) =>
        value is not string text || text.Length == 0
        || (text.Trim().Length <= 254 && MailAddress.TryCreate(text.Trim(), out var parsed) && parsed.Address == text.Trim());

    public override string FormatErrorMessage(string name) => ValidationText.Get("EmailInvalid");
}

[AttributeUsage(AttributeTargets.Property)]
internal sealed class MaxTextAttribute(int maximumLength) : StringLengthAttribute(maximumLength)
{
    public override string FormatErrorMessage(string name) => string.Format(CultureInfo.CurrentCulture, ValidationText.Get("FieldTooLong"), MaximumLength);
}

internal static class PasswordRules
{
    /// <summary>Runs Identity's password rules without touching the user, so a page can refuse before changing anything.</summary>
    public static async Task<bool> AcceptsAsync(UserManager<PortalUser> users, PortalUser user, string password)
    {
        foreach (var validator in users.PasswordValidators)
            if (!(await validator.ValidateAsync(users, user, password)).Succeeded)
                return false;
        return true;
    }
}
