using System.Globalization;
using System.Threading.Channels;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Data;
using Portal.Documents;
using Portal.Email.Templates;
using Portal.Operations;
using Portal.PayLinks;
using Portal.Tenancy;
using QRCoder;

namespace Portal.Email;

public sealed class EmailOptions
{
    public string From { get; set; } = "Portal <no-reply@portal.localhost>";
    /// <summary>When set, mail goes out over SMTP; otherwise it is written to <see cref="PickupFolder"/>.</summary>
    public SmtpOptions? Smtp { get; set; }
    public string PickupFolder { get; set; } = "App_Data/mail-pickup";
}

public sealed class SmtpOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public bool UseStartTls { get; set; } = true;
}

/// <summary>Wakes the dispatcher as soon as a change with emails has committed.</summary>
public sealed class EmailSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    public void Notify() => _channel.Writer.TryWrite(true);
    internal ChannelReader<bool> Reader => _channel.Reader;
}

/// <summary>
/// Sends pending emails. Each message is claimed with a conditional update first (Pending → Sending, with a lease),
/// so several app instances never send the same message twice. A failed try waits longer each time
/// (<see cref="EmailMessage.BackOff"/>) and the message ends Failed, with its error, after <see cref="MaxAttempts"/>.
/// A crash between the claim and the mark Sent leaves a message in Sending whose lease runs out; nobody can tell
/// whether the mail server took it. Such a message is marked Failed ("interrupted") and not sent again: at most once.
/// A second receipt or invoice is what the issue forbids and what a client would notice and query; a missing one
/// shows on Sent emails as failed with its reason, where staff can send the document again. The window is only the
/// SMTP hand-over itself, since everything before the claim (queued, Pending) survives a restart and is sent then.
/// </summary>
internal sealed partial class EmailDispatcher(
    IServiceScopeFactory scopes, EmailSignal signal, HeldSecretLinks held, PayLinkMail payLinks, IOptions<EmailOptions> options, IHostEnvironment environment,
    TimeProvider clock, PortalMetrics metrics, ILogger<EmailDispatcher> logger) : BackgroundService
{
    internal const int MaxAttempts = 5;

    /// <summary>Far longer than one SMTP hand-over: a message still Sending after this was left by a sender that stopped.</summary>
    internal static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    internal const string InterruptedError = "Interrupted while being sent (the app stopped); not sent again, to avoid a duplicate.";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendPendingAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Sending emails failed; will try again");
            }
            finally
            {
                await CloseConnectionAsync();
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await signal.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The periodic sweep: picks up mail from other instances and retries.
            }
        }
    }

    internal async Task SendPendingAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = clock.GetUtcNow();
        await FailInterruptedAsync(db, now, cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            now = clock.GetUtcNow();
            var pending = await db.Set<EmailMessage>().IgnoreQueryFilters()
                .Where(e => e.Status == EmailStatus.Pending && (e.NextAttemptAt == null || e.NextAttemptAt <= now))
                .OrderBy(e => e.CreatedAt).Select(e => e.Id).Take(50).ToListAsync(cancellationToken);
            var sent = 0;
            foreach (var id in pending)
            {
                var leaseUntil = clock.GetUtcNow() + Lease;
                var claimed = await db.Set<EmailMessage>().IgnoreQueryFilters()
                    .Where(e => e.Id == id && e.Status == EmailStatus.Pending)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EmailStatus.Sending).SetProperty(e => e.LeaseUntil, leaseUntil), cancellationToken);
                if (claimed == 0)
                    continue;
                var message = await db.Set<EmailMessage>().IgnoreQueryFilters().SingleAsync(e => e.Id == id, cancellationToken);
                try
                {
                    var body = new DeliverableBody(message.TextBody, message.HtmlBody);
                    if (PayLinkMail.Carries(message))
                    {
                        var (written, refusal) = await payLinks.ResolveAsync(db, message, cancellationToken);
                        if (written is null)
                        {
                            message.MarkUndeliverable(refusal!);
                            metrics.EmailFailed();
                            await db.SaveChangesAsync(cancellationToken);
                            db.ChangeTracker.Clear();
                            continue;
                        }
                        body = written;
                    }
                    await DeliverAsync(message, body, cancellationToken);
                    message.MarkSent(clock.GetUtcNow());
                    metrics.EmailSent();
                    sent++;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // The address is personal data: log the message id only.
                    logger.LogWarning(ex, "Email {EmailId} could not be sent", message.Id);
                    message.MarkFailed(ex.Message, MaxAttempts, now: clock.GetUtcNow());
                    metrics.EmailFailed();
                }
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
            // A full page that all went out: there may be more waiting (a batch of invoices), so carry on now.
            if (pending.Count < 50 || sent == 0)
                break;
        }
        await SendHeldAsync(db, cancellationToken);
    }

    /// <summary>
    /// Messages claimed by a sender that stopped before it could say how the hand-over went (see the summary), and held
    /// secret-link messages whose sender stopped before sending them: those stay Sending without a lease while their
    /// sender owns them (HeldSecretLinks), and a sender still alive gives up on one at <see cref="HeldSecretLinks.Lifetime"/>.
    /// One still Sending a lease after that was left by a sender that is gone, and nobody else has its link: failed,
    /// with its reason, so it does not stay Sending forever.
    /// </summary>
    private static async Task FailInterruptedAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.Set<EmailMessage>().IgnoreQueryFilters()
            .Where(e => e.Status == EmailStatus.Sending && e.LeaseUntil != null && e.LeaseUntil < now)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EmailStatus.Failed).SetProperty(e => e.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(e => e.LastError, InterruptedError), cancellationToken);
        var heldBefore = now - HeldSecretLinks.Lifetime - Lease;
        await db.Set<EmailMessage>().IgnoreQueryFilters()
            .Where(e => e.Status == EmailStatus.Sending && e.LeaseUntil == null && e.CreatedAt < heldBefore)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EmailStatus.Failed).SetProperty(e => e.LastError, HeldLostError), cancellationToken);
    }

    internal const string HeldLostError = "Not sent: its secure link was held by an app instance that stopped before sending it. Ask for a new link.";

    internal const string HeldExpiredError = "Not sent: its secure link could not be sent in time. Ask for a new link.";

    /// <summary>Emails with a secret link that this instance holds in memory; their rows stay Sending until sent.</summary>
    private async Task SendHeldAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        foreach (var id in held.MessageIds)
        {
            var message = await db.Set<EmailMessage>().IgnoreQueryFilters().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
            if (message is null)
            {
                held.ReleaseIfAbandoned(id);
                continue;
            }
            if (message.Status != EmailStatus.Sending || held.Find(id) is not { } body)
            {
                held.Release(id);
                continue;
            }
            // Past its lifetime the sender lets go first, well before another instance would fail it as lost.
            if (clock.GetUtcNow() - message.CreatedAt > HeldSecretLinks.Lifetime)
            {
                message.MarkUndeliverable(HeldExpiredError);
                metrics.EmailFailed();
                await db.SaveChangesAsync(cancellationToken);
                held.Release(id);
                continue;
            }
            try
            {
                await DeliverAsync(message, body, cancellationToken);
                message.MarkSent(clock.GetUtcNow());
                metrics.EmailSent();
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Email {EmailId} could not be sent", message.Id);
                message.MarkFailed(ex.Message, MaxAttempts, heldBySender: true);
                metrics.EmailFailed();
            }
            await db.SaveChangesAsync(cancellationToken);
            if (message.Status != EmailStatus.Sending)
                held.Release(id);
        }
    }

    // One SMTP connection serves a whole pass (a page of messages) rather than one per message: a batch of invoice
    // emails would otherwise spend most of its time on TCP and SMTP greetings. Only the dispatcher's loop uses it.
    private SmtpClient? _connection;

    private async Task<SmtpClient> ConnectedAsync(SmtpOptions smtp, CancellationToken cancellationToken)
    {
        if (_connection is { IsConnected: true } open)
            return open;
        await CloseConnectionAsync();
        var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.UseStartTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.UserName))
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
        }
        catch
        {
            client.Dispose();
            throw;
        }
        return _connection = client;
    }

    private async Task CloseConnectionAsync()
    {
        if (_connection is not { } client)
            return;
        _connection = null;
        try
        {
            if (client.IsConnected)
                await client.DisconnectAsync(true, CancellationToken.None);
        }
        catch (Exception)
        {
            // Closing politely is a courtesy; the message was already handed over.
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task DeliverAsync(EmailMessage message, DeliverableBody body, CancellationToken cancellationToken)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(options.Value.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.MessageId = $"{message.Id}@portal";
        var parts = new BodyBuilder { TextBody = body.Text, HtmlBody = body.Html };
        if (await AttachmentAsync(message, cancellationToken) is { } pdf)
            parts.Attachments.Add(pdf.FileName, pdf.Content, new ContentType("application", "pdf"));
        if (message.QrCodePayload is { } qrCode)
            parts.LinkedResources.Add("transfer-qr.png", QrCodePng(qrCode), new ContentType("image", "png")).ContentId = EmailMessage.QrCodeContentId;
        mime.Body = parts.ToMessageBody();

        if (options.Value.Smtp is { Host.Length: > 0 } smtp)
        {
            var client = await ConnectedAsync(smtp, cancellationToken);
            try
            {
                await client.SendAsync(mime, cancellationToken);
            }
            catch
            {
                // The connection may be half-way through a command: the next message starts on a new one.
                await CloseConnectionAsync();
                throw;
            }
            return;
        }
        var folder = Path.GetFullPath(options.Value.PickupFolder, environment.ContentRootPath);
        Directory.CreateDirectory(folder);
        await mime.WriteToAsync(Path.Combine(folder, $"{message.Id}.eml"), cancellationToken);
    }
}

internal sealed partial class EmailDispatcher
{
    /// <summary>The EPC QR code as a PNG: medium error correction, as banks' apps expect, in UTF-8 as the payload declares.</summary>
    private static byte[] QrCodePng(string payload)
    {
        using var generator = new QRCodeGenerator();
        using var code = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M, forceUtf8: true);
        return new PngByteQRCode(code).GetGraphic(pixelsPerModule: 5);
    }

    /// <summary>
    /// The document an email carries, rendered now from what was stored by reference (an invoice, a receipt), in the
    /// email's language and acting for its firm. A document that can no longer be rendered leaves the email to go out
    /// without it rather than not at all: the text still says what happened, and the client can download it.
    /// </summary>
    private async Task<RenderedPdf?> AttachmentAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        if (message.AttachmentDocumentId is not { } documentId)
            return null;
        var statement = message.AttachmentKind == EmailMessage.StatementAttachment ? StatementRequest.Parse(documentId, message.AttachmentPeriod) : null;
        DocumentKind kind = default;
        if (statement is null && !Enum.TryParse(message.AttachmentKind, out kind))
            return null;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(message.FirmId);
        var culture = CultureInfo.GetCultureInfo(message.AttachmentCulture ?? "en-GB");
        var pdfs = scope.ServiceProvider.GetRequiredService<IDocumentPdfs>();
        var pdf = statement is not null
            ? await pdfs.RenderStatementAsync(statement, culture, cancellationToken)
            : await pdfs.RenderAsync(kind, documentId, culture, cancellationToken);
        if (pdf is null)
            logger.LogWarning("Email {EmailId} goes without its {DocumentKind}: the document cannot be rendered", message.Id, message.AttachmentKind);
        return pdf;
    }
}

public static class EmailSetup
{
    public static IServiceCollection AddPortalEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EmailOptions>(configuration.GetSection("Email"));
        services.AddSingleton<EmailSignal>();
        services.AddSingleton<HeldSecretLinks>();
        services.AddSingleton<Mailer>();
        services.AddSingleton<IInterceptor, EmailCommitSignal>();
        services.AddEmailTemplates();
        services.AddHostedService<EmailDispatcher>();
        return services;
    }
}
