using Portal.Domain;

namespace Portal.Email;

public enum EmailStatus { Pending, Sending, Sent, Failed }

/// <summary>
/// An email Portal owes someone. It is saved in the same transaction as the change that caused it and sent
/// afterwards by <see cref="EmailDispatcher"/>, so a rolled-back change sends nothing.
/// </summary>
public sealed class EmailMessage : ITenantOwned
{
    private EmailMessage() { }

    public EmailMessage(Guid firmId, string to, string subject, string textBody, string htmlBody, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        To = to;
        Subject = subject;
        TextBody = textBody;
        HtmlBody = htmlBody;
        CreatedAt = createdAt;
        Status = EmailStatus.Pending;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public string To { get; private set; } = "";
    public string Subject { get; private set; } = "";
    public string TextBody { get; private set; } = "";
    public string HtmlBody { get; private set; } = "";
    public EmailStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }

    public void MarkSent(DateTimeOffset at)
    {
        Status = EmailStatus.Sent;
        SentAt = at;
        LastError = null;
    }

    /// <summary>
    /// A message whose real text (with its secret link) only the instance that wrote it holds, in memory: it stays
    /// <see cref="EmailStatus.Sending"/> so no other instance's sweep sends the stored copy, which has the link hidden.
    /// </summary>
    public void HoldForSender() => Status = EmailStatus.Sending;

    /// <param name="heldBySender">The message was held (<see cref="HoldForSender"/>): it stays held for the next try.</param>
    public void MarkFailed(string error, int maxAttempts, bool heldBySender = false)
    {
        Attempts++;
        LastError = error.Length > 500 ? error[..500] : error;
        Status = Attempts >= maxAttempts ? EmailStatus.Failed : heldBySender ? EmailStatus.Sending : EmailStatus.Pending;
    }
}
