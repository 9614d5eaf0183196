using Portal.Domain;

namespace Portal.Components.Shared;

/// <summary>
/// The last action's refusals about single fields (<see cref="DomainException.Field"/>), for a MudBlazor form to show
/// each on its field: a field checks itself with <see cref="Of{T}"/> (its <c>Validation</c>), so MudBlazor marks it
/// invalid and ties the text to it, as it does for its own checks.
/// </summary>
public sealed class FieldRefusals
{
    private readonly Dictionary<string, Refusal> _byField = [];

    public void Clear() => _byField.Clear();

    public void Add(string field, string text) => _byField[field] = new Refusal(text);

    /// <summary>
    /// The check of <paramref name="field"/>: the refusal while the field holds the value that was refused; changing it
    /// takes the error away until the next try.
    /// </summary>
    public Func<T, string?> Of<T>(string field) => value =>
    {
        if (!_byField.TryGetValue(field, out var refusal))
            return null;
        // The form checks every field right after the refusal: the value then is the one refused.
        if (!refusal.Seen)
            (refusal.Seen, refusal.Value) = (true, value);
        return Equals(refusal.Value, value) ? refusal.Text : null;
    };

    private sealed class Refusal(string text)
    {
        public string Text => text;
        public bool Seen { get; set; }
        public object? Value { get; set; }
    }
}
