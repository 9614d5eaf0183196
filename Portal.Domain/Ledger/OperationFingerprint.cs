using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Domain.Ledger;

/// <summary>
/// A stable hash of what an operation was asked to do (its kind and inputs, not the state it met). The app
/// compares it when an idempotency key comes back: same key and same fingerprint is a replay to answer with
/// the first result; same key with another fingerprint is a different request and is refused.
/// </summary>
public static class OperationFingerprint
{
    public static string Of(string operation, params ReadOnlySpan<object?> inputs)
    {
        var canonical = new StringBuilder(operation);
        foreach (var input in inputs)
            canonical.Append('\u001f').Append(Canonical(input));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    private static string Canonical(object? input) => input switch
    {
        null => "~",
        string text => $"s{text.Length.ToString(CultureInfo.InvariantCulture)}:{text}",
        Money money => $"m:{money.Minor.ToString(CultureInfo.InvariantCulture)}:{money.Currency.Code}",
        Currency currency => "c:" + currency.Code,
        Guid id => "g:" + id.ToString("N"),
        Enum value => $"e:{value.GetType().Name}.{value}",
        long number => "n:" + number.ToString(CultureInfo.InvariantCulture),
        int number => "n:" + number.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "b:1" : "b:0",
        DateOnly date => "d:" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        InvoiceAmount part => $"ia:{part.InvoiceId:N}:{Canonical(part.Amount)}",
        System.Collections.IEnumerable items => "[" + string.Join(",", items.Cast<object?>().Select(Canonical)) + "]",
        _ => throw new ArgumentException($"A {input.GetType().Name} has no canonical form for a fingerprint.", nameof(input)),
    };
}
