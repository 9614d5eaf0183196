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

    private DomainException(DomainException refusal, string field) : base(refusal.Message, refusal)
    {
        Template = refusal.Template;
        Arguments = refusal.Arguments;
        Field = field;
    }

    /// <summary>
    /// The input the refusal is about, when it is about one: the name of its property in the input record
    /// (<c>nameof(FirmLegalIdentity.Siren)</c>). A form shows the refusal on that field; null for a refusal of the whole.
    /// </summary>
    public string? Field { get; }

    /// <summary>This refusal, tied to <paramref name="field"/> (one already tied to a field keeps its own).</summary>
    public DomainException About(string field) => Field is null ? new DomainException(this, field) : this;

    /// <summary>Runs the check of one input, and ties a refusal it raises to <paramref name="field"/>.</summary>
    public static T OnField<T>(string field, Func<T> check)
    {
        try
        {
            return check();
        }
        catch (DomainException refusal) when (refusal.Field is null)
        {
            throw refusal.About(field);
        }
    }

    /// <summary>Runs a change that checks one input, and ties a refusal it raises to <paramref name="field"/>.</summary>
    public static void OnField(string field, Action change) => OnField(field, () =>
    {
        change();
        return true;
    });

    /// <summary>Runs an operation about one input, and ties a refusal it raises, now or when it completes, to <paramref name="field"/>.</summary>
    public static async Task OnFieldAsync(string field, Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (DomainException refusal) when (refusal.Field is null)
        {
            throw refusal.About(field);
        }
    }

    /// <summary>The message as a composite format: "{0} is more than the {1} due on {2}."</summary>
    public string Template { get; }

    /// <summary>The values of the template's holes, in order.</summary>
    public IReadOnlyList<object?> Arguments { get; }
}
