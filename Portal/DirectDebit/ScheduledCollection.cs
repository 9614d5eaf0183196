using Portal.Domain;

namespace Portal.DirectDebit;

/// <summary>
/// The direct-debit side of a portal payment: which mandate it is collected on and on what date, so the invoice can
/// say "Direct debit scheduled for …" and staff can cancel it while GoCardless has not submitted it yet.
/// </summary>
public sealed class ScheduledCollection : IClientOwned
{
    private ScheduledCollection() { }

    public ScheduledCollection(Guid paymentId, Guid firmId, Guid clientAccountId, Guid? invoiceId, string mandateId, DateOnly chargeDate, bool automatic)
    {
        PaymentId = paymentId;
        FirmId = firmId;
        ClientAccountId = clientAccountId;
        InvoiceId = invoiceId;
        MandateId = mandateId;
        ChargeDate = chargeDate;
        Automatic = automatic;
    }

    public Guid PaymentId { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    public Guid? InvoiceId { get; private set; }
    public string MandateId { get; private set; } = "";
    public DateOnly ChargeDate { get; private set; }
    public bool Automatic { get; private set; }
}
