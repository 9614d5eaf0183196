using Portal.Domain;

namespace Portal.Email;

public enum EmailStatus { Pending, Sending, Sent, Failed }

/// <summary>
/// An email Portal owes someone. It is saved in the same transaction as the change that caused it and sent
/// afterwards by <see cref="EmailDispatcher"/>, so a rolled-back change sends nothing.
/// An email caused by something that can be reported twice (a payment confirmed, an invoice issued, a digest day)
/// carries an <see cref="IdempotencyKey"/> derived from that cause, unique per firm: queueing it again is a no-op
/// (<see cref="Mailer.QueueOnce"/>), so a replayed webhook, a retried job or two instances racing send it once.
/// </summary>
public sealed class EmailMessage : ITenantOwned
{
    public const int MaxIdempotencyKeyLength = 200;
    public const int MaxErrorLength = 500;

    private EmailMessage() { }

    public EmailMessage(Guid firmId, string to, string subject, string textBody, string htmlBody, DateTimeOffset createdAt, string? idempotencyKey = null)
    {
        if (idempotencyKey is { Length: 0 or > MaxIdempotencyKeyLength })
            throw new DomainException($"An email key has 1 to {MaxIdempotencyKeyLength} characters.");
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        To = to;
        Subject = subject;
        TextBody = textBody;
        HtmlBody = htmlBody;
        CreatedAt = createdAt;
        IdempotencyKey = idempotencyKey;
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
    /// <summary>What caused the email (<c>receipt:{paymentId}</c>…); null for emails that may go out again (a new sign-in link).</summary>
    public string? IdempotencyKey { get; private set; }
    /// <summary>After a failed try: not before then (back-off).</summary>
    public DateTimeOffset? NextAttemptAt { get; private set; }
    /// <summary>While <see cref="EmailStatus.Sending"/>: the sender that claimed it is presumed gone after then.</summary>
    public DateTimeOffset? LeaseUntil { get; private set; }
    /// <summary>A document to attach, by reference (rendered when the email is sent, so the outbox stays small): its kind (Invoice, Receipt…).</summary>
    public string? AttachmentKind { get; private set; }
    public Guid? AttachmentDocumentId { get; private set; }
    /// <summary>The language the attached document is written in: the email's own (<c>fr-FR</c>, <c>en-GB</c>).</summary>
    public string? AttachmentCulture { get; private set; }

    /// <summary>
    /// An EPC QR code ("GiroCode") shown in the HTML body: its payload, drawn as a PNG when the email is sent and carried
    /// as an inline part the HTML names by <see cref="QrCodeContentId"/>. Inline parts show in mail clients that block
    /// data: images; the payload (at most <see cref="Documents.EpcPayload.MaxBytes"/> bytes) keeps the outbox small.
    /// </summary>
    public string? QrCodePayload { get; private set; }

    public const string QrCodeContentId = "epc-qr@portal";

    /// <summary>What a template writes as an image's source to show <see cref="QrCodePayload"/>.</summary>
    public const string QrCodeSource = "cid:" + QrCodeContentId;

    public EmailMessage WithQrCode(string? payload)
    {
        if (payload is { Length: > Documents.EpcPayload.MaxBytes })
            throw new ArgumentException($"A QR code in an email carries at most {Documents.EpcPayload.MaxBytes} bytes.", nameof(payload));
        QrCodePayload = payload;
        return this;
    }

    /// <summary>For an attached statement: its currency and days (<see cref="Documents.StatementRequest.Period"/>); the document id is the client's.</summary>
    public string? AttachmentPeriod { get; private set; }

    public const string StatementAttachment = "Statement";

    /// <summary>Attaches a client's statement of account by reference; it is drawn when the email is sent, from the ledger as it stands for those days.</summary>
    public EmailMessage AttachStatement(Documents.StatementRequest statement, string culture)
    {
        AttachmentKind = StatementAttachment;
        AttachmentDocumentId = statement.ClientAccountId;
        AttachmentPeriod = statement.Period;
        AttachmentCulture = culture;
        return this;
    }

    /// <summary>Attaches a document by reference; it is rendered at send time in the recipient's language.</summary>
    public EmailMessage Attach(string documentKind, Guid documentId, string culture)
    {
        AttachmentKind = documentKind;
        AttachmentDocumentId = documentId;
        AttachmentCulture = culture;
        return this;
    }

    public void MarkSent(DateTimeOffset at)
    {
        Status = EmailStatus.Sent;
        SentAt = at;
        LastError = null;
        LeaseUntil = null;
        NextAttemptAt = null;
    }

    /// <summary>
    /// A message whose real text (with its secret link) only the instance that wrote it holds, in memory: it stays
    /// <see cref="EmailStatus.Sending"/> so no other instance's sweep sends the stored copy, which has the link hidden.
    /// </summary>
    public void HoldForSender() => Status = EmailStatus.Sending;

    /// <param name="heldBySender">The message was held (<see cref="HoldForSender"/>): it stays held for the next try.</param>
    /// <param name="now">With a time, the next try waits: 30 s, 1, 2, 4 minutes… so a mail server that is down is not hammered.</param>
    public void MarkFailed(string error, int maxAttempts, bool heldBySender = false, DateTimeOffset? now = null)
    {
        Attempts++;
        LastError = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
        LeaseUntil = null;
        Status = Attempts >= maxAttempts ? EmailStatus.Failed : heldBySender ? EmailStatus.Sending : EmailStatus.Pending;
        NextAttemptAt = Status == EmailStatus.Pending && now is { } at ? at + BackOff(Attempts) : null;
    }

    /// <summary>An email that must not go out at all (its pay link died before the send): failed now, not tried again.</summary>
    public void MarkUndeliverable(string reason)
    {
        Attempts++;
        LastError = reason.Length > MaxErrorLength ? reason[..MaxErrorLength] : reason;
        Status = EmailStatus.Failed;
        LeaseUntil = null;
        NextAttemptAt = null;
    }

    /// <summary>The wait after the given number of failed tries.</summary>
    public static TimeSpan BackOff(int attempts) => TimeSpan.FromSeconds(30 * Math.Pow(2, Math.Clamp(attempts - 1, 0, 10)));
}
