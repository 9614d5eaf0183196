using Portal.Domain.Payments;

namespace Portal.Domain.Ledger;

public enum LedgerAccountKind { Receivable, Wallet, Clearing, Fees, Bank, Revenue, Tax, WriteOff }

/// <summary>
/// An account of a firm's ledger, named by a stable code: <c>receivable:{client}</c>, <c>wallet:{client}</c>,
/// <c>clearing:{provider}</c>, <c>fees:{provider}</c>, <c>bank</c>, <c>revenue</c>, <c>tax</c>, <c>writeoff</c>.
/// The code is what is stored; it never changes meaning.
/// </summary>
public readonly record struct LedgerAccount
{
    private LedgerAccount(LedgerAccountKind kind, string? qualifier)
    {
        Kind = kind;
        Qualifier = qualifier;
    }

    public LedgerAccountKind Kind { get; }
    /// <summary>The client id (receivable, wallet) or provider code (clearing, fees); none for firm-wide accounts.</summary>
    public string? Qualifier { get; }

    public string Code => Qualifier is null ? KindCode(Kind) : $"{KindCode(Kind)}:{Qualifier}";

    /// <summary>The client this account belongs to, for receivable and wallet accounts.</summary>
    public Guid? ClientAccountId => Kind is LedgerAccountKind.Receivable or LedgerAccountKind.Wallet ? Guid.Parse(Qualifier!) : null;

    /// <summary>What clients owe the firm (an asset): one per client.</summary>
    public static LedgerAccount Receivable(Guid clientAccountId) => new(LedgerAccountKind.Receivable, ClientCode(clientAccountId));

    /// <summary>Credit the firm holds for a client (a liability): one per client.</summary>
    public static LedgerAccount Wallet(Guid clientAccountId) => new(LedgerAccountKind.Wallet, ClientCode(clientAccountId));

    /// <summary>Money a provider has collected for the firm and not paid out yet.</summary>
    public static LedgerAccount Clearing(PaymentProvider provider) => new(LedgerAccountKind.Clearing, ProviderCode(provider));

    public static LedgerAccount Fees(PaymentProvider provider) => new(LedgerAccountKind.Fees, ProviderCode(provider));

    public static LedgerAccount Bank { get; } = new(LedgerAccountKind.Bank, null);
    public static LedgerAccount Revenue { get; } = new(LedgerAccountKind.Revenue, null);
    public static LedgerAccount Tax { get; } = new(LedgerAccountKind.Tax, null);
    /// <summary>What the firm gave up collecting (an expense): the net of written-off amounts.</summary>
    public static LedgerAccount WriteOff { get; } = new(LedgerAccountKind.WriteOff, null);

    public static LedgerAccount Parse(string code)
    {
        var separator = code.IndexOf(':', StringComparison.Ordinal);
        var kindPart = separator < 0 ? code : code[..separator];
        var qualifier = separator < 0 ? null : code[(separator + 1)..];
        return (kindPart, qualifier) switch
        {
            ("bank", null) => Bank,
            ("revenue", null) => Revenue,
            ("tax", null) => Tax,
            ("writeoff", null) => WriteOff,
            ("receivable", { } client) when Guid.TryParseExact(client, "D", out var id) && ClientCode(id) == client => Receivable(id),
            ("wallet", { } client) when Guid.TryParseExact(client, "D", out var id) && ClientCode(id) == client => Wallet(id),
            ("clearing", { } provider) => Clearing(ProviderFromCode(provider, code)),
            ("fees", { } provider) => Fees(ProviderFromCode(provider, code)),
            _ => throw new FormatException($"'{code}' is not a ledger account code."),
        };
    }

    public override string ToString() => Code;

    private static string KindCode(LedgerAccountKind kind) => kind switch
    {
        LedgerAccountKind.Receivable => "receivable",
        LedgerAccountKind.Wallet => "wallet",
        LedgerAccountKind.Clearing => "clearing",
        LedgerAccountKind.Fees => "fees",
        LedgerAccountKind.Bank => "bank",
        LedgerAccountKind.Revenue => "revenue",
        LedgerAccountKind.Tax => "tax",
        LedgerAccountKind.WriteOff => "writeoff",
    };

    private static string ClientCode(Guid clientAccountId) =>
        clientAccountId == Guid.Empty
            ? throw new ArgumentException("A client account id is needed.", nameof(clientAccountId))
            : clientAccountId.ToString("D");

    private static string ProviderCode(PaymentProvider provider) => provider switch
    {
        PaymentProvider.Stripe => "stripe",
        PaymentProvider.GoCardless => "gocardless",
        PaymentProvider.PayPal => "paypal",
        PaymentProvider.None => throw new ArgumentException("Money handled without a provider goes through the bank account.", nameof(provider)),
    };

    private static PaymentProvider ProviderFromCode(string provider, string code) => provider switch
    {
        "stripe" => PaymentProvider.Stripe,
        "gocardless" => PaymentProvider.GoCardless,
        "paypal" => PaymentProvider.PayPal,
        _ => throw new FormatException($"'{code}' is not a ledger account code."),
    };
}
