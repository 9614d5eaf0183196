namespace Portal.Domain.Clients;

/// <summary>Whether invoices may be emailed to this client at all.</summary>
public sealed partial class ClientAccount
{
    /// <summary>The client asked not to receive invoices by email: sends are refused and shown as "not sent: no email".</summary>
    public bool InvoiceEmailsOptedOut { get; private set; }

    public void OptOutOfInvoiceEmails(bool optedOut) => InvoiceEmailsOptedOut = optedOut;

    /// <summary>Where an invoice email goes, or null when it must not be sent (no address, or the client opted out).</summary>
    public string? InvoiceEmailRecipient => InvoiceEmailsOptedOut || string.IsNullOrWhiteSpace(BillingEmail) ? null : BillingEmail;
}
