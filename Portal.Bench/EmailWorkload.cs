using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Portal.Email;
using Portal.Email.Templates;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Portal.Bench;

internal sealed record EmailFigures(int Emails, double EmailsPerSecond, double QueuedPerSecond, int Duplicates, int Missing);

/// <summary>
/// A firm sends a batch of invoice emails: each rendered from the firm's template with its pay link and queued once
/// under its key (in transactions of 100, as a batch "issue and send" would), then the app's own dispatcher sends
/// them over SMTP to a real local SMTP server (the SmtpServer package). The figure is emails queued and delivered per
/// second, from the first queued to the last received; every address must arrive exactly once, and queueing the
/// whole batch again must add nothing.
/// </summary>
internal static class EmailWorkload
{
    private const int PerTransaction = 100;

    public static async Task<EmailFigures> RunAsync(BenchPostgres server, int emails)
    {
        var sink = new Sink();
        var port = FreePort();
        var smtp = new SmtpServer.SmtpServer(new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port)).IsSecure(false)).Build(), Services(sink));
        using var stop = new CancellationTokenSource();
        var listening = smtp.StartAsync(stop.Token);

        var connectionString = await server.CreateDatabaseAsync("portal_bench_email");
        await using var app = PortalOnKestrel.Start(connectionString, new Dictionary<string, string>
        {
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Email:Smtp:UseStartTls"] = "false",
        });
        var services = app.Services;
        var firmId = await BenchFirm.CreateAsync(services, "bench");
        var client = await BenchFirm.AClientAsync(services, firmId, 0);

        var watch = Stopwatch.StartNew();
        var queued = await QueueAsync(services, firmId, client.FirstInvoice, emails);
        var queueSeconds = watch.Elapsed.TotalSeconds;
        services.GetRequiredService<EmailSignal>().Notify();
        var lastProgress = (Count: 0, At: Stopwatch.GetTimestamp());
        while (sink.Count < emails)
        {
            await sink.ArrivedAsync(TimeSpan.FromSeconds(1));
            if (sink.Count != lastProgress.Count)
                lastProgress = (sink.Count, Stopwatch.GetTimestamp());
            else if (Stopwatch.GetElapsedTime(lastProgress.At) > TimeSpan.FromMinutes(1))
                throw new InvalidOperationException($"Sending stalled at {sink.Count} of {emails} emails.");
        }
        watch.Stop();
        Console.WriteLine($"email: {queued} queued in {queueSeconds:F1} s, all received after {watch.Elapsed.TotalSeconds:F1} s");

        // The same batch again (a retried job): nothing new is queued, nothing more arrives.
        var again = await QueueAsync(services, firmId, client.FirstInvoice, emails);
        if (again != 0)
            throw new InvalidOperationException($"{again} emails were queued a second time under the same keys.");
        await using (var db = BenchFirm.OpenDb(services, null))
        {
            var stored = await db.Set<EmailMessage>().IgnoreQueryFilters().CountAsync();
            var sent = await db.Set<EmailMessage>().IgnoreQueryFilters().CountAsync(m => m.Status == EmailStatus.Sent);
            Console.WriteLine($"email: {stored} stored, {sent} marked sent");
        }
        smtp.Shutdown();
        await stop.CancelAsync();
        try { await listening.WaitAsync(TimeSpan.FromSeconds(5)); } catch (OperationCanceledException) { } catch (TimeoutException) { }

        var perAddress = sink.Addresses.GroupBy(a => a).ToList();
        var duplicates = perAddress.Sum(g => g.Count() - 1);
        var missing = Enumerable.Range(0, emails).Count(i => !sink.Addresses.Contains(Address(i)));
        return new EmailFigures(emails, emails / watch.Elapsed.TotalSeconds, queued / queueSeconds, duplicates, missing);
    }

    private static string Address(int i) => $"payer{i}@bench.example";

    private static async Task<int> QueueAsync(IServiceProvider services, Guid firmId, Guid invoiceId, int emails)
    {
        var queued = 0;
        for (var start = 0; start < emails; start += PerTransaction)
        {
            await using var scope = BenchFirm.StaffScope(services, firmId);
            var templates = scope.ServiceProvider.GetRequiredService<EmailTemplates>();
            var mailer = scope.ServiceProvider.GetRequiredService<Mailer>();
            await using var db = BenchFirm.OpenDb(services, firmId);
            var invoice = await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == invoiceId);
            await using var transaction = await db.Database.BeginTransactionAsync();
            for (var i = start; i < Math.Min(emails, start + PerTransaction); i++)
            {
                var model = new EmailModel().Firm("Bench & Co").Client($"Payer {i}").PortalLink("https://portal.bench.example/portal")
                    .Invoice(invoice.Number!, invoice.IssueDate, invoice.DueDate, invoice.Total, invoice.AmountDue).Amount(invoice.AmountDue)
                    .PayLink($"https://portal.bench.example/pay/{invoiceId:N}/{i}");
                var email = await templates.RenderAsync(db, firmId, EmailTemplateKind.InvoiceIssued, CultureInfo.GetCultureInfo(i % 2 == 0 ? "en-GB" : "fr-FR"), model);
                if (await mailer.QueueOnceAsync(db, new EmailMessage(firmId, Address(i), email.Subject, email.Text, email.Html, DateTimeOffset.UtcNow, $"invoice-bench:{i}")))
                    queued++;
            }
            await transaction.CommitAsync();
        }
        return queued;
    }

    private static SmtpServer.ComponentModel.ServiceProvider Services(Sink sink)
    {
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(sink);
        return services;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Keeps the recipient of every message received (each parsed with MimeKit, as a mailbox would).</summary>
    private sealed class Sink : MessageStore
    {
        private readonly SemaphoreSlim _arrived = new(0);
        private readonly ConcurrentQueue<string> _addresses = new();

        public int Count => _addresses.Count;
        public IReadOnlyList<string> Addresses => [.. _addresses];

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            foreach (var to in message.To.Mailboxes)
                _addresses.Enqueue(to.Address);
            _arrived.Release();
            return SmtpResponse.Ok;
        }

        public Task ArrivedAsync(TimeSpan timeout) => _arrived.WaitAsync(timeout);
    }
}
