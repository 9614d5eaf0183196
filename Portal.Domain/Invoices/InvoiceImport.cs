using Portal.Domain.Clients;
using Portal.Domain.Firms;

namespace Portal.Domain.Invoices;

/// <summary>
/// An invoice the firm issued in its previous tool and brings into Portal still open. It keeps the number the client
/// already holds (decision 0028): Portal's gapless sequence is for the invoices Portal issues, and is not touched.
/// </summary>
public sealed partial class Invoice
{
    public const int MaxNumberLength = 24;

    /// <summary>When the invoice was brought in from the firm's previous tool; null for an invoice Portal issued.</summary>
    public DateTimeOffset? ImportedAt { get; private set; }

    /// <summary>
    /// Issues the draft under the number the previous tool gave it. Refused when the number could be one Portal
    /// issues itself (the firm's prefix followed by digits), so the two never collide and Portal's numbers stay gapless.
    /// </summary>
    public void IssueImported(Firm firm, ClientAccount client, string number, DateTimeOffset now)
    {
        EnsureDraft();
        if (firm.Id != FirmId)
            throw new DomainException("An invoice is issued by its own firm.");
        if (client.Id != ClientAccountId)
            throw new DomainException("An invoice is issued to its own client.");
        if (_lines.Count == 0)
            throw new DomainException("An invoice needs at least one line before it is issued.");
        if (TotalMinor <= 0)
            throw new DomainException("An invoice's total must be more than zero to be issued.");
        Number = ImportedNumber(firm, number);
        Status = InvoiceStatus.Open;
        IssuedAt = now;
        ImportedAt = now;
        Touch();
    }

    /// <summary>The previous tool's number, trimmed; refused when empty, too long, or in the shape of Portal's own sequence.</summary>
    public static string ImportedNumber(Firm firm, string? number)
    {
        var trimmed = number?.Trim() ?? "";
        if (trimmed.Length is 0 or > MaxNumberLength)
            throw new DomainException($"An invoice number has 1 to {MaxNumberLength} characters.");
        var rest = trimmed.StartsWith(firm.InvoicePrefix, StringComparison.OrdinalIgnoreCase) ? trimmed[firm.InvoicePrefix.Length..] : null;
        if (rest is { Length: > 0 } && rest.All(char.IsAsciiDigit))
            throw new DomainException($"{trimmed} is in the shape of the numbers Portal gives ({firm.InvoicePrefix}…): change the firm's invoice prefix before importing it.");
        return trimmed;
    }
}
