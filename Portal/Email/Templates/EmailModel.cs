using System.Globalization;
using Microsoft.Extensions.Localization;
using Portal.Components.Shared;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Localization;
using Portal.Payments;

namespace Portal.Email.Templates;

/// <summary>
/// What a template may show: the documented variable set, nothing else (docs/email-templates.md). Values are kept
/// typed here and turned into text for the reader's culture when rendered (amounts, dates, payment methods), so a
/// template only ever sees strings, lists and named groups, never one of Portal's objects.
/// </summary>
public sealed class EmailModel
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    /// <summary>The firm sending the email: <c>firm.name</c>.</summary>
    public EmailModel Firm(string name) => Group("firm", ("name", name));

    /// <summary>The client account: <c>client.name</c>.</summary>
    public EmailModel Client(string name) => Group("client", ("name", name));

    /// <summary>The person the email is for, when it is a member of staff: <c>recipient.name</c>.</summary>
    public EmailModel Recipient(string name) => Group("recipient", ("name", name));

    /// <summary><c>invoice.number</c>, <c>invoice.issue_date</c>, <c>invoice.due_date</c>, <c>invoice.total</c>, <c>invoice.amount_due</c>.</summary>
    public EmailModel Invoice(string number, DateOnly? issueDate, DateOnly? dueDate, Money total, Money amountDue) =>
        Group("invoice", ("number", number), ("issue_date", issueDate), ("due_date", dueDate), ("total", total), ("amount_due", amountDue));

    /// <summary>The signed link that lets the client pay the invoice: <c>pay_link</c>. A plain string: whoever signs links builds it.</summary>
    public EmailModel PayLink(string url) => Set("pay_link", url);

    /// <summary>The portal's sign-in page: <c>portal_link</c>.</summary>
    public EmailModel PortalLink(string url) => Set("portal_link", url);

    /// <summary><c>payment.amount</c>, <c>payment.date</c>, <c>payment.method</c>, <c>payment.reference</c>, <c>payment.reason</c>, <c>payment.invoices</c> (numbers).</summary>
    public EmailModel Payment(Money amount, DateOnly date, PaymentMethod method, string? reference, string? reason, IReadOnlyList<string> invoices) =>
        Group("payment", ("amount", amount), ("date", date), ("method", method), ("reference", reference ?? ""), ("reason", reason ?? ""),
            ("invoices", string.Join(", ", invoices)));

    /// <summary><c>credit.added</c> and <c>credit.balance</c>.</summary>
    public EmailModel Credit(Money added, Money balance) => Group("credit", ("added", added), ("balance", balance));

    /// <summary><c>collection.amount</c>, <c>collection.charge_date</c>, <c>collection.mandate_reference</c>, <c>collection.creditor</c>, <c>collection.invoices</c>.</summary>
    public EmailModel Collection(Money amount, DateOnly chargeDate, string mandateReference, string creditor, IReadOnlyList<string> invoices) =>
        Group("collection", ("amount", amount), ("charge_date", chargeDate), ("mandate_reference", mandateReference), ("creditor", creditor),
            ("invoices", string.Join(", ", invoices)));

    /// <summary><c>digest.date</c>, <c>digest.count</c> and <c>digest.lines</c>, each with <c>client</c>, <c>amount</c>, <c>status</c>.</summary>
    public EmailModel Digest(DateOnly day, IReadOnlyList<DigestLine> lines) =>
        Set("digest", new Dictionary<string, object?>
        {
            ["date"] = day,
            ["count"] = lines.Count.ToString(CultureInfo.InvariantCulture),
            ["lines"] = lines.Select(l => (object?)new Dictionary<string, object?> { ["client"] = l.Client, ["amount"] = l.Amount, ["status"] = l.Status }).ToList(),
        });

    /// <summary>
    /// On an overdue reminder, when the firm shows them: <c>late.interest</c>, <c>late.indemnity</c>, <c>late.total</c>,
    /// <c>late.days</c>, <c>late.rate</c> (a percentage). Absent otherwise, so <c>{% if late %}</c> shows the lines only then.
    /// </summary>
    public EmailModel Late(Portal.Domain.Reminders.LateCharges? charges) => charges is null ? this : Group("late",
        ("interest", charges.Interest), ("indemnity", charges.Indemnity), ("total", charges.Total),
        ("days", charges.DaysLate.ToString(CultureInfo.InvariantCulture)), ("rate", (charges.RateBasisPoints / 100m).ToString("0.##", CultureInfo.InvariantCulture)));

    /// <summary>
    /// On a reminder, when the client has more than one invoice overdue: <c>overdue.count</c>, <c>overdue.total</c> and
    /// <c>overdue.link</c> (the portal's pay page with all of them selected). Absent otherwise, so
    /// <c>{% if overdue %}</c> offers it only when it pays more than the one invoice.
    /// </summary>
    public EmailModel Overdue(OverdueSummary? overdue) => overdue is null ? this : Group("overdue",
        ("count", overdue.Count.ToString(CultureInfo.InvariantCulture)), ("total", overdue.Total), ("link", overdue.PayAllLink));

    /// <summary>
    /// On a reminder whose invoice no online method can take (card not offered for it or no card provider connected),
    /// when the firm has a bank account on file: <c>transfer.iban</c> (grouped by four), <c>transfer.bic</c> and
    /// <c>transfer.reference</c> (the invoice number, for the client's transfer). Absent otherwise, so
    /// <c>{% if transfer %}</c> tells the client how to pay only when the pay link cannot take the money.
    /// <c>transfer.qr</c> is the source of the EPC QR code image for a EUR amount (empty otherwise), for
    /// <c>&lt;img src="{{ transfer.qr }}"&gt;</c>: the email carries the image itself.
    /// </summary>
    public EmailModel Transfer(string? iban, string? bic, string reference, bool withQrCode = false) => iban is null ? this : Group("transfer",
        ("iban", Portal.Domain.Firms.BankIdentifiers.Grouped(iban)), ("bic", bic ?? ""), ("reference", reference),
        ("qr", withQrCode ? EmailMessage.QrCodeSource : ""));

    /// <summary>
    /// A statement of account: <c>statement.from</c>, <c>statement.to</c>, <c>statement.balance</c> (what the client owes
    /// at its end), and, one of them only: <c>statement.pay_link</c> (the pay page with every open invoice selected)
    /// when something is owed and can be paid online, <c>statement.credit</c> when the client is in credit.
    /// </summary>
    public EmailModel Statement(DateOnly from, DateOnly to, Money balance, string? payLink) => Group("statement",
        ("from", from), ("to", to), ("balance", balance), ("pay_link", balance.IsPositive ? payLink ?? "" : ""), ("credit", balance.IsNegative ? (object)(-balance) : ""));

    /// <summary>The one amount the email is about, at the top level: <c>amount</c>.</summary>
    public EmailModel Amount(Money amount) => Set("amount", amount);

    public bool Has(string name) => _values.ContainsKey(name);

    private EmailModel Group(string name, params (string Key, object? Value)[] values) =>
        Set(name, values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal));

    private EmailModel Set(string name, object? value)
    {
        _values[name] = value;
        return this;
    }

    /// <summary>The variables as the template sees them: text for <paramref name="culture"/>.</summary>
    internal Dictionary<string, object?> ForTemplate(CultureInfo culture, IStringLocalizer<Text> T)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = culture;
        try
        {
            return _values.ToDictionary(v => v.Key, v => Show(v.Value, culture, T), StringComparer.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private static object? Show(object? value, CultureInfo culture, IStringLocalizer<Text> T) => value switch
    {
        null => "",
        Money money => MoneyFormat.Format(money, culture),
        DateOnly date => DateFormat.Show(date, culture),
        PaymentMethod method => PaymentText.Method(T, method).ToString(),
        Dictionary<string, object?> group => group.ToDictionary(v => v.Key, v => Show(v.Value, culture, T), StringComparer.Ordinal),
        List<object?> list => list.Select(item => Show(item, culture, T)).ToList(),
        _ => value.ToString(),
    };
}

/// <summary>One payment in a staff digest.</summary>
public sealed record DigestLine(string Client, Money Amount, string Status);

/// <summary>What a client owes on all its overdue invoices in one currency, and the link that pays them together.</summary>
public sealed record OverdueSummary(int Count, Money Total, string PayAllLink);
