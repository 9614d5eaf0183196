namespace Portal.Domain.Invoices;

public enum InvoiceTimelineKind { Sent, NotSentNoEmail, LinkOpened, Paid, Reminded }

/// <summary>
/// One thing that happened to an issued invoice on its way to being paid: an email sent (to whom, by whom), a send
/// refused for want of an address, the pay link opened, the invoice paid. Append-only, in time order.
/// </summary>
public sealed class InvoiceTimelineEntry : IClientOwned
{
    private InvoiceTimelineEntry() { }

    private InvoiceTimelineEntry(Invoice invoice, InvoiceTimelineKind kind, DateTimeOffset at, string? recipient, string? actorName)
    {
        Id = Guid.CreateVersion7();
        FirmId = invoice.FirmId;
        ClientAccountId = invoice.ClientAccountId;
        InvoiceId = invoice.Id;
        Kind = kind;
        At = at;
        Recipient = recipient;
        ActorName = actorName is { Length: > 200 } ? actorName[..200] : actorName;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    public Guid InvoiceId { get; private set; }
    public InvoiceTimelineKind Kind { get; private set; }
    public DateTimeOffset At { get; private set; }
    /// <summary>The address an email went to.</summary>
    public string? Recipient { get; private set; }
    /// <summary>Who sent it (a staff member's name), or null for the system.</summary>
    public string? ActorName { get; private set; }

    public static InvoiceTimelineEntry Sent(Invoice invoice, string recipient, string? actorName, DateTimeOffset at)
    {
        EnsureIssued(invoice);
        if (!invoice.AcceptsPayment)
            throw new DomainException("Only an invoice that is still due can be sent.");
        return new(invoice, InvoiceTimelineKind.Sent, at, recipient, actorName);
    }

    public static InvoiceTimelineEntry NotSent(Invoice invoice, string? actorName, DateTimeOffset at)
    {
        EnsureIssued(invoice);
        return new(invoice, InvoiceTimelineKind.NotSentNoEmail, at, null, actorName);
    }

    /// <summary>A reminder emailed, with a fresh pay link; <paramref name="actorName"/> is null when the schedule sent it.</summary>
    public static InvoiceTimelineEntry Reminded(Invoice invoice, string recipient, string? actorName, DateTimeOffset at)
    {
        EnsureIssued(invoice);
        if (!invoice.AcceptsPayment)
            throw new DomainException("Only an invoice that is still due can be reminded.");
        return new(invoice, InvoiceTimelineKind.Reminded, at, recipient, actorName);
    }

    public static InvoiceTimelineEntry LinkOpened(Invoice invoice, DateTimeOffset at) => new(invoice, InvoiceTimelineKind.LinkOpened, at, null, null);

    public static InvoiceTimelineEntry Paid(Invoice invoice, DateTimeOffset at) => new(invoice, InvoiceTimelineKind.Paid, at, null, null);

    private static void EnsureIssued(Invoice invoice)
    {
        if (!invoice.IsIssued)
            throw new DomainException("Only an issued invoice can be sent.");
    }
}
