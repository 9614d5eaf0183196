using System.Threading.Channels;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Data;
using Portal.Operations;
using Portal.Tenancy;

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
/// Sends pending emails. Each message is claimed with a conditional update first, so several app instances
/// never send the same message twice.
/// </summary>
internal sealed class EmailDispatcher(
    IServiceScopeFactory scopes, EmailSignal signal, HeldSecretLinks held, IOptions<EmailOptions> options, IHostEnvironment environment,
    TimeProvider clock, PortalMetrics metrics, ILogger<EmailDispatcher> logger) : BackgroundService
{
    private const int MaxAttempts = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendPendingAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Sending emails failed; will try again");
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
        var pending = await db.Set<EmailMessage>().IgnoreQueryFilters()
            .Where(e => e.Status == EmailStatus.Pending).OrderBy(e => e.CreatedAt).Select(e => e.Id).Take(50).ToListAsync(cancellationToken);
        foreach (var id in pending)
        {
            var claimed = await db.Set<EmailMessage>().IgnoreQueryFilters()
                .Where(e => e.Id == id && e.Status == EmailStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EmailStatus.Sending), cancellationToken);
            if (claimed == 0)
                continue;
            var message = await db.Set<EmailMessage>().IgnoreQueryFilters().SingleAsync(e => e.Id == id, cancellationToken);
            try
            {
                await DeliverAsync(message, new DeliverableBody(message.TextBody, message.HtmlBody), cancellationToken);
                message.MarkSent(clock.GetUtcNow());
                metrics.EmailSent();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The address is personal data: log the message id only.
                logger.LogWarning(ex, "Email {EmailId} could not be sent", message.Id);
                message.MarkFailed(ex.Message, MaxAttempts);
                metrics.EmailFailed();
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        await SendHeldAsync(db, cancellationToken);
    }

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
            try
            {
                await DeliverAsync(message, body, cancellationToken);
                message.MarkSent(clock.GetUtcNow());
                metrics.EmailSent();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
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

    private async Task DeliverAsync(EmailMessage message, DeliverableBody body, CancellationToken cancellationToken)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(options.Value.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.MessageId = $"{message.Id}@portal";
        mime.Body = new BodyBuilder { TextBody = body.Text, HtmlBody = body.Html }.ToMessageBody();

        if (options.Value.Smtp is { Host.Length: > 0 } smtp)
        {
            using var client = new SmtpClient();
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.UseStartTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.UserName))
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
            await client.SendAsync(mime, cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
            return;
        }
        var folder = Path.GetFullPath(options.Value.PickupFolder, environment.ContentRootPath);
        Directory.CreateDirectory(folder);
        await mime.WriteToAsync(Path.Combine(folder, $"{message.Id}.eml"), cancellationToken);
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
        services.AddHostedService<EmailDispatcher>();
        return services;
    }
}
