namespace Portal.Domain;

/// <summary>
/// A rule of the business was broken: an illegal state change, a wrong amount, a foreign currency.
/// The message is written for the person who tried the action and is safe to show them.
/// An interpolated message keeps its <see cref="Template"/> and <see cref="Arguments"/> so the UI can show
/// it in the reader's language; <see cref="Exception.Message"/> stays the English text.
/// </summary>
public sealed class DomainException : Exception
{
    public DomainException(string message) : base(message)
    {
        Template = DomainMessage.EscapeBraces(message);
        Arguments = [];
    }

    public DomainException(DomainMessage message) : base(message.ToString())
    {
        Template = message.Template;
        Arguments = message.Arguments;
    }

    /// <summary>The message as a composite format: "{0} is more than the {1} due on {2}."</summary>
    public string Template { get; }

    /// <summary>The values of the template's holes, in order.</summary>
    public IReadOnlyList<object?> Arguments { get; }
}
