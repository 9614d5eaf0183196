namespace Portal.Domain.Clients;

/// <summary>What a firm brings from the tool it used before: the client's reference there, and the language it is written to in.</summary>
public sealed partial class ClientAccount
{
    public const int MaxExternalReferenceLength = 100;

    /// <summary>The client's identifier in the firm's previous tool or spreadsheet; unique in the firm, so a second import finds it again.</summary>
    public string? ExternalReference { get; private set; }

    /// <summary>The language the client is written to in (en or fr); null means the firm's default.</summary>
    public string? Language { get; private set; }

    public static readonly IReadOnlyList<string> Languages = ["en", "fr"];

    public void SetExternalReference(string? reference) => ExternalReference = NormalizeExternalReference(reference);

    public void SetLanguage(string? language) => Language = NormalizeLanguage(language);

    public static string? NormalizeExternalReference(string? reference)
    {
        var trimmed = reference?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return null;
        return trimmed.Length > MaxExternalReferenceLength
            ? throw new DomainException($"An external reference has at most {MaxExternalReferenceLength} characters.")
            : trimmed;
    }

    /// <summary>en or fr, also as written in either language (English, anglais, French, français).</summary>
    public static string? NormalizeLanguage(string? language)
    {
        var value = language?.Trim().ToLowerInvariant();
        return value switch
        {
            null or "" => null,
            "en" or "eng" or "english" or "anglais" or "en-gb" or "en-us" => "en",
            "fr" or "fra" or "fre" or "french" or "français" or "francais" or "fr-fr" => "fr",
            _ => throw new DomainException($"'{language}' is not a language Portal writes in: en or fr."),
        };
    }
}
