using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Portal.Domain;

/// <summary>
/// Captures an interpolated message as a composite format template ("{0} is more than the {1} due on {2}.")
/// and its arguments, so the UI can look the template up in another language and fill it in with the
/// values formatted for the reader's culture. The English text is built exactly as an interpolated string
/// would be.
/// </summary>
[InterpolatedStringHandler]
public ref struct DomainMessage
{
    private readonly StringBuilder _template;
    private readonly List<object?> _arguments;

    public DomainMessage(int literalLength, int formattedCount)
    {
        _template = new StringBuilder(literalLength + formattedCount * 4);
        _arguments = new List<object?>(formattedCount);
    }

    public readonly void AppendLiteral(string value) => _template.Append(EscapeBraces(value));

    public readonly void AppendFormatted<T>(T value) => AppendHole(value, null, null);

    public readonly void AppendFormatted<T>(T value, string? format) => AppendHole(value, null, format);

    public readonly void AppendFormatted<T>(T value, int alignment) => AppendHole(value, alignment, null);

    public readonly void AppendFormatted<T>(T value, int alignment, string? format) => AppendHole(value, alignment, format);

    public readonly void AppendFormatted(ReadOnlySpan<char> value, int alignment = 0, string? format = null) =>
        AppendHole(value.ToString(), alignment == 0 ? null : alignment, format);

    private readonly void AppendHole(object? value, int? alignment, string? format)
    {
        _template.Append('{').Append(_arguments.Count.ToString(CultureInfo.InvariantCulture));
        if (alignment is { } width)
            _template.Append(',').Append(width.ToString(CultureInfo.InvariantCulture));
        if (format is not null)
            _template.Append(':').Append(format);
        _template.Append('}');
        _arguments.Add(value);
    }

    public readonly string Template => _template.ToString();

    public readonly object?[] Arguments => _arguments.ToArray();

    /// <summary>The message as the interpolated string itself would read: holes formatted with the current culture.</summary>
    public override readonly string ToString() => string.Format(CultureInfo.CurrentCulture, Template, _arguments.ToArray());

    /// <summary>A plain text as a template without holes.</summary>
    public static string EscapeBraces(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
}
