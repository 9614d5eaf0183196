using System.Collections.Concurrent;

namespace Portal.Email.Templates;

/// <summary>
/// Portal's own wording of each email, in English and French: embedded resources
/// (<c>Email/Templates/Defaults/{Kind}.{language}.liquid</c>), each a "subject:" line, then a "--- text" part and a
/// "--- html" part. Used when a firm has not written its own, and what "reset to default" goes back to.
/// </summary>
public static class DefaultEmailTemplates
{
    public static readonly IReadOnlyList<string> Languages = ["en", "fr"];

    private static readonly ConcurrentDictionary<(EmailTemplateKind, string), EmailTemplateText> Loaded = new();

    public static EmailTemplateText For(EmailTemplateKind kind, string language) => Loaded.GetOrAdd((kind, language), key => Load(key.Item1, key.Item2));

    private static EmailTemplateText Load(EmailTemplateKind kind, string language)
    {
        var name = $"Portal.Email.Templates.Defaults.{kind}.{language}.liquid";
        using var stream = typeof(DefaultEmailTemplates).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The default template {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    internal static EmailTemplateText Parse(string source)
    {
        var text = source.ReplaceLineEndings("\n");
        const string subjectPrefix = "subject:";
        var textStart = text.IndexOf("\n--- text\n", StringComparison.Ordinal);
        var htmlStart = text.IndexOf("\n--- html\n", StringComparison.Ordinal);
        if (!text.StartsWith(subjectPrefix, StringComparison.Ordinal) || textStart < 0 || htmlStart < textStart)
            throw new InvalidOperationException("A default template is a 'subject:' line, then '--- text' and '--- html' parts.");
        return new EmailTemplateText(
            text[subjectPrefix.Length..textStart].Trim(),
            text[(textStart + "\n--- text\n".Length)..htmlStart].Trim() + "\n",
            text[(htmlStart + "\n--- html\n".Length)..].Trim() + "\n");
    }
}
