using Portal.Domain.Ledger;
using Portal.Domain.Payments;

namespace Portal.Domain.Books;

/// <summary>The journals entries go to: sales, bank, one per provider, miscellaneous.</summary>
public enum Journal { Sales, Bank, Stripe, GoCardless, PayPal, Miscellaneous }

/// <summary>
/// A firm's chart of accounts and journal codes: where each internal ledger account (receivable, wallet, clearing,
/// fees, bank, revenue, tax) lands in the firm's books. Starts on the French PCG defaults (411, 706, 44571, 4191,
/// 5115/5116/5117, 512, 627, 654; journals VT, BQ, STR, GC, PP, OD), with English names for firms that keep books in English.
/// Account numbers are digits only and start with the PCG class their role needs, so an export never books sales
/// on a bank account by a typo.
/// </summary>
public sealed class ChartOfAccounts : ITenantOwned
{
    private ChartOfAccounts() { }

    public Guid FirmId { get; private set; }
    /// <summary>"fr" or "en": the language of account and journal names in exports.</summary>
    public string Language { get; private set; } = "fr";
    public string ClientsAccount { get; private set; } = "411";
    /// <summary>One auxiliary account per client (411 + a number) in CompAuxNum, as most French packages expect.</summary>
    public bool AuxiliaryPerClient { get; private set; } = true;
    public string SalesAccount { get; private set; } = "706";
    public string VatCollectedAccount { get; private set; } = "44571";
    public string PrepaymentsAccount { get; private set; } = "4191";
    public string StripeClearingAccount { get; private set; } = "5115";
    public string GoCardlessClearingAccount { get; private set; } = "5116";
    public string PayPalClearingAccount { get; private set; } = "5117";
    public string BankAccount { get; private set; } = "512";
    public string FeesAccount { get; private set; } = "627";
    public string WriteOffAccount { get; private set; } = "654";
    public string SalesJournal { get; private set; } = "VT";
    public string BankJournal { get; private set; } = "BQ";
    public string StripeJournal { get; private set; } = "STR";
    public string GoCardlessJournal { get; private set; } = "GC";
    public string PayPalJournal { get; private set; } = "PP";
    public string MiscellaneousJournal { get; private set; } = "OD";
    public Guid Version { get; private set; } = Guid.NewGuid();

    public static ChartOfAccounts Default(Guid firmId, string language) => new()
    {
        FirmId = firmId == Guid.Empty ? throw new ArgumentException("A chart belongs to a firm.", nameof(firmId)) : firmId,
        Language = NormalizeLanguage(language),
    };

    public sealed record Numbers(
        string ClientsAccount, bool AuxiliaryPerClient, string SalesAccount, string VatCollectedAccount, string PrepaymentsAccount,
        string StripeClearingAccount, string GoCardlessClearingAccount, string BankAccount, string FeesAccount, string WriteOffAccount,
        string SalesJournal, string BankJournal, string StripeJournal, string GoCardlessJournal, string MiscellaneousJournal, string Language,
        string PayPalClearingAccount, string PayPalJournal);

    public Numbers Current => new(ClientsAccount, AuxiliaryPerClient, SalesAccount, VatCollectedAccount, PrepaymentsAccount,
        StripeClearingAccount, GoCardlessClearingAccount, BankAccount, FeesAccount, WriteOffAccount,
        SalesJournal, BankJournal, StripeJournal, GoCardlessJournal, MiscellaneousJournal, Language, PayPalClearingAccount, PayPalJournal);

    /// <summary>Replaces every number and code at once; refuses the whole change if one of them is wrong.</summary>
    public void Change(Numbers numbers)
    {
        var clients = Account(numbers.ClientsAccount, "4");
        var sales = Account(numbers.SalesAccount, "7");
        var vat = Account(numbers.VatCollectedAccount, "4");
        var prepayments = Account(numbers.PrepaymentsAccount, "4");
        var stripe = Account(numbers.StripeClearingAccount, "4", "5");
        var gocardless = Account(numbers.GoCardlessClearingAccount, "4", "5");
        var paypal = Account(numbers.PayPalClearingAccount, "4", "5");
        var bank = Account(numbers.BankAccount, "5");
        var fees = Account(numbers.FeesAccount, "6");
        var writeOff = Account(numbers.WriteOffAccount, "6");
        if (clients == prepayments)
            throw new DomainException("Customer prepayments need an account of their own, not the clients account.");
        if (stripe == bank || gocardless == bank || paypal == bank)
            throw new DomainException("Provider clearing accounts must differ from the bank account: payouts move money between them.");
        var journals = new[] { numbers.SalesJournal, numbers.BankJournal, numbers.StripeJournal, numbers.GoCardlessJournal, numbers.MiscellaneousJournal, numbers.PayPalJournal }
            .Select(JournalCode).ToArray();
        if (journals.Distinct(StringComparer.Ordinal).Count() != journals.Length)
            throw new DomainException("Each journal needs a code of its own.");

        (ClientsAccount, SalesAccount, VatCollectedAccount, PrepaymentsAccount) = (clients, sales, vat, prepayments);
        (StripeClearingAccount, GoCardlessClearingAccount, PayPalClearingAccount, BankAccount, FeesAccount, WriteOffAccount) = (stripe, gocardless, paypal, bank, fees, writeOff);
        (SalesJournal, BankJournal, StripeJournal, GoCardlessJournal, MiscellaneousJournal, PayPalJournal) = (journals[0], journals[1], journals[2], journals[3], journals[4], journals[5]);
        AuxiliaryPerClient = numbers.AuxiliaryPerClient;
        Language = NormalizeLanguage(numbers.Language);
        Version = Guid.NewGuid();
    }

    /// <summary>The chart account an internal ledger account is booked to.</summary>
    public string AccountFor(LedgerAccount account) => account.Kind switch
    {
        LedgerAccountKind.Receivable => ClientsAccount,
        LedgerAccountKind.Wallet => PrepaymentsAccount,
        LedgerAccountKind.Clearing => ClearingAccount(ProviderOf(account)),
        LedgerAccountKind.Fees => FeesAccount,
        LedgerAccountKind.Bank => BankAccount,
        LedgerAccountKind.Revenue => SalesAccount,
        LedgerAccountKind.Tax => VatCollectedAccount,
        LedgerAccountKind.WriteOff => WriteOffAccount,
    };

    public string ClearingAccount(PaymentProvider provider) => provider switch
    {
        PaymentProvider.Stripe => StripeClearingAccount,
        PaymentProvider.GoCardless => GoCardlessClearingAccount,
        PaymentProvider.PayPal => PayPalClearingAccount,
        PaymentProvider.None => BankAccount,
    };

    /// <summary>
    /// The journal a ledger transaction is entered in: invoices in sales; money through a provider in that provider's
    /// journal; money through the bank in the bank journal; what moves neither (credit applied or kept) in miscellaneous.
    /// A write-off is a credit note (avoir) and goes with the invoices it corrects, in sales.
    /// </summary>
    public static Journal JournalOf(LedgerTransactionKind kind, IEnumerable<LedgerAccount> accounts)
    {
        if (kind is LedgerTransactionKind.InvoiceIssued or LedgerTransactionKind.InvoiceVoided or LedgerTransactionKind.WriteOff)
            return Journal.Sales;
        var list = accounts.ToList();
        if (list.FirstOrDefault(a => a.Kind is LedgerAccountKind.Clearing or LedgerAccountKind.Fees) is { Qualifier: not null } providerAccount)
            return ProviderOf(providerAccount) switch
            {
                PaymentProvider.Stripe => Journal.Stripe,
                PaymentProvider.GoCardless => Journal.GoCardless,
                PaymentProvider.PayPal => Journal.PayPal,
                var other => throw new InvalidOperationException($"{other} money has no journal in the chart yet."),
            };
        return list.Any(a => a.Kind == LedgerAccountKind.Bank) ? Journal.Bank : Journal.Miscellaneous;
    }

    public string CodeOf(Journal journal) => journal switch
    {
        Journal.Sales => SalesJournal,
        Journal.Bank => BankJournal,
        Journal.Stripe => StripeJournal,
        Journal.GoCardless => GoCardlessJournal,
        Journal.PayPal => PayPalJournal,
        Journal.Miscellaneous => MiscellaneousJournal,
    };

    public Journal? JournalOfCode(string code) =>
        Enum.GetValues<Journal>().Select(j => (Journal?)j).FirstOrDefault(j => CodeOf(j!.Value) == code.Trim().ToUpperInvariant());

    public string NameOf(Journal journal) => (journal, Language) switch
    {
        (Journal.Sales, "fr") => "Ventes",
        (Journal.Bank, "fr") => "Banque",
        (Journal.Stripe, "fr") => "Stripe",
        (Journal.GoCardless, "fr") => "GoCardless",
        (Journal.PayPal, "fr") => "PayPal",
        (Journal.Miscellaneous, "fr") => "Opérations diverses",
        (Journal.Sales, _) => "Sales",
        (Journal.Bank, _) => "Bank",
        (Journal.Stripe, _) => "Stripe",
        (Journal.GoCardless, _) => "GoCardless",
        (Journal.PayPal, _) => "PayPal",
        (Journal.Miscellaneous, _) => "Miscellaneous",
    };

    /// <summary>The name of a chart account, in the chart's language.</summary>
    public string NameOfAccount(string number)
    {
        var french = Language == "fr";
        if (number == ClientsAccount) return french ? "Clients" : "Trade receivables";
        if (number == SalesAccount) return french ? "Prestations de services" : "Sales of services";
        if (number == VatCollectedAccount) return french ? "TVA collectée" : "VAT collected";
        if (number == PrepaymentsAccount) return french ? "Clients - avances et acomptes reçus" : "Customer prepayments";
        if (number == StripeClearingAccount) return french ? "Stripe - fonds en transit" : "Stripe clearing";
        if (number == GoCardlessClearingAccount) return french ? "GoCardless - fonds en transit" : "GoCardless clearing";
        if (number == PayPalClearingAccount) return french ? "PayPal - fonds en transit" : "PayPal clearing";
        if (number == BankAccount) return french ? "Banque" : "Bank";
        if (number == FeesAccount) return french ? "Frais bancaires et commissions" : "Bank and provider fees";
        if (number == WriteOffAccount) return french ? "Pertes sur créances irrécouvrables" : "Bad debts written off";
        return number;
    }

    /// <summary>
    /// The auxiliary (sub-ledger) account of a client: the clients account followed by the random tail of the client's
    /// id, so it never changes and never needs a counter (the head of a version-7 id is a timestamp, shared by clients
    /// created together).
    /// </summary>
    public string? AuxiliaryAccountOf(Guid clientAccountId) =>
        AuxiliaryPerClient ? ClientsAccount + clientAccountId.ToString("N")[^8..].ToUpperInvariant() : null;

    private static PaymentProvider ProviderOf(LedgerAccount account) => account.Qualifier switch
    {
        "stripe" => PaymentProvider.Stripe,
        "gocardless" => PaymentProvider.GoCardless,
        "paypal" => PaymentProvider.PayPal,
        _ => PaymentProvider.None,
    };

    private static string Account(string? value, string pcgClass, string? otherClass = null)
    {
        var number = (value ?? "").Trim();
        if (number.Length is < 3 or > 12 || !number.All(char.IsAsciiDigit))
            throw new DomainException($"'{number}' is not an account number: 3 to 12 digits are needed.");
        if (otherClass is null && !number.StartsWith(pcgClass, StringComparison.Ordinal))
            throw new DomainException($"{number} cannot be used there: that account belongs in class {pcgClass} of the chart.");
        if (otherClass is not null && !number.StartsWith(pcgClass, StringComparison.Ordinal) && !number.StartsWith(otherClass, StringComparison.Ordinal))
            throw new DomainException($"{number} cannot be used there: that account belongs in class {pcgClass} or {otherClass} of the chart.");
        return number;
    }

    private static string JournalCode(string? value)
    {
        var code = (value ?? "").Trim().ToUpperInvariant();
        return code.Length is < 1 or > 6 || !code.All(char.IsAsciiLetterOrDigit)
            ? throw new DomainException($"A journal code is 1 to 6 letters or digits, not '{code}'.")
            : code;
    }

    private static string NormalizeLanguage(string? language) =>
        language?.Trim().ToLowerInvariant() is { } l && l.StartsWith("en", StringComparison.Ordinal) ? "en" : "fr";
}
