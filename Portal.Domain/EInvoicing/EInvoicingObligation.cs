using Portal.Domain.Clients;
using Portal.Domain.Firms;

namespace Portal.Domain.EInvoicing;

/// <summary>What French law asks of an invoice, beyond the PDF the client reads.</summary>
public enum ObligationKind
{
    /// <summary>The firm is not French (no SIREN): the French reform does not apply.</summary>
    None,
    /// <summary>A sale to a French business: the invoice itself is an e-invoice sent through an approved platform.</summary>
    EInvoicing,
    /// <summary>
    /// A sale to a consumer or to a client abroad: the invoice may be sent as a PDF by email; its data is reported to
    /// the tax administration through a platform instead.
    /// </summary>
    EReporting,
}

/// <summary>
/// The obligation an invoice falls under on a date. <see cref="From"/> is when it starts for this firm (null when the
/// firm has not stated its size, which decides it); <see cref="InForce"/> says whether it applies on that date.
/// </summary>
public sealed record EInvoicingObligation(ObligationKind Kind, DateOnly? From, bool InForce)
{
    /// <summary>Every business in France must be able to receive e-invoices, and large and mid-size ones issue them.</summary>
    public static readonly DateOnly FirstWave = new(2026, 9, 1);

    /// <summary>Small, medium-sized and micro enterprises issue e-invoices (and report) from this day.</summary>
    public static readonly DateOnly SecondWave = new(2027, 9, 1);

    /// <summary>
    /// The obligation of an invoice from <paramref name="firm"/> to a client of <paramref name="client"/> kind dated
    /// <paramref name="date"/> (Finance law 2024, art. 91, as amended): e-invoicing between French businesses,
    /// e-reporting for consumers and clients abroad, from the firm's wave on. A client whose kind is not stated is
    /// taken as a French business, the stricter case, so no firm is told too little.
    /// </summary>
    public static EInvoicingObligation For(FirmLegalIdentity firm, ClientKind client, DateOnly date)
    {
        if (!firm.IsFrench)
            return new(ObligationKind.None, null, false);
        var kind = client is ClientKind.Consumer or ClientKind.International ? ObligationKind.EReporting : ObligationKind.EInvoicing;
        DateOnly? from = firm.Size switch
        {
            CompanySize.LargeOrMidSize => FirstWave,
            CompanySize.SmallOrMicro => SecondWave,
            _ => null,
        };
        // Size unknown: in force only once it applies whatever the size.
        var inForce = date >= (from ?? SecondWave);
        return new(kind, from, inForce);
    }
}
