using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Documents;
using Portal.Domain.EInvoicing;
using Portal.EInvoicing.Platform;
using Portal.Tenancy;

namespace Portal.EInvoicing;

/// <summary>
/// Sends issued documents to the firm's approved platform and follows them, on every instance. Each due submission is
/// claimed with a conditional update (a lease), so two instances never work on the same one at once; a dispatcher
/// that stops mid-way lets its lease lapse and another takes over. What makes a second send harmless is the platform's
/// trackingId (the document id): the same document again is answered with the flow already there, and a 409 (the PDF
/// rendered again with other bytes) is resolved by searching that trackingId. Before the first send the directory
/// says whether the buyer can receive; after it, the acknowledgement is read with back-off until Ok or Error, then
/// the lifecycle statuses are polled by flows/search until an end status. Times come from the TimeProvider.
/// </summary>
internal sealed partial class EInvoicingDispatcher(
    IServiceScopeFactory scopes, EInvoicingSignal signal, IOptions<PlatformOptions> options, TimeProvider clock, ILogger<EInvoicingDispatcher> logger) : BackgroundService
{
    private const int Page = 20;

    private static readonly SubmissionState[] Followed = [SubmissionState.Queued, SubmissionState.Submitted, SubmissionState.Accepted];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Sending e-invoices failed; will try again");
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(options.Value.PollInterval);
            try
            {
                await signal.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The periodic sweep: submissions added by other instances, follow-ups that fell due.
            }
        }
    }

    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            List<(Guid Id, Guid FirmId)> due;
            await using (var scope = scopes.CreateAsyncScope())
            {
                await using var db = scope.ServiceProvider.GetRequiredService<PortalDatabase>().Open(scope.ServiceProvider.GetRequiredService<TenantContext>());
                var now = clock.GetUtcNow();
                due = (await db.EInvoicingSubmissions.IgnoreQueryFilters()
                    .Where(s => Followed.Contains(s.State) && s.NextAttemptAt <= now && (s.LeaseUntil == null || s.LeaseUntil < now))
                    .OrderBy(s => s.NextAttemptAt).Take(Page).Select(s => new { s.Id, s.FirmId }).ToListAsync(cancellationToken))
                    .Select(s => (s.Id, s.FirmId)).ToList();
            }
            foreach (var (id, firmId) in due)
                await ProcessAsync(id, firmId, cancellationToken);
            if (due.Count < Page)
                return;
        }
    }

    private async Task ProcessAsync(Guid id, Guid firmId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        // Everything below reads through the submission's firm: a document of another firm is simply not found.
        var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
        tenant.ActFor(firmId);
        await using var db = scope.ServiceProvider.GetRequiredService<PortalDatabase>().Open(tenant);
        var now = clock.GetUtcNow();
        var leaseUntil = now + options.Value.Lease;
        var claimed = await db.EInvoicingSubmissions
            .Where(s => s.Id == id && Followed.Contains(s.State) && s.NextAttemptAt <= now && (s.LeaseUntil == null || s.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseUntil, leaseUntil), cancellationToken);
        if (claimed == 0)
            return;
        var submission = await db.EInvoicingSubmissions.Include(s => s.Statuses).SingleAsync(s => s.Id == id, cancellationToken);
        var connection = await db.PlatformConnections.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (connection is null)
        {
            // Disconnected after the issue: kept, and sent once a platform is connected again.
            submission.TryAgainAt(now + options.Value.LifecyclePollInterval, "No e-invoicing platform is connected.");
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        var client = scope.ServiceProvider.GetRequiredService<PlatformClients>().For(scope.ServiceProvider.GetRequiredService<PlatformConnections>().InfoFor(connection));
        try
        {
            if (submission.State == SubmissionState.Queued)
                await SubmitAsync(scope.ServiceProvider, db, submission, client, cancellationToken);
            if (submission.State == SubmissionState.Submitted)
                await FollowAcknowledgementAsync(submission, client, cancellationToken);
            else if (submission.State == SubmissionState.Accepted && submission.NextAttemptAt <= clock.GetUtcNow())
                await FollowLifecycleAsync(submission, client, cancellationToken);
        }
        catch (PlatformApiException refused) when (!refused.IsTransient && submission.State == SubmissionState.Queued)
        {
            LogRefused(submission.DocumentNumber, refused.ErrorCode);
            submission.Fail($"{refused.ErrorCode}: {refused.ErrorMessage}", clock.GetUtcNow());
        }
        catch (Exception failure) when (failure is PlatformApiException or HttpRequestException || (failure is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var wait = FollowUpDelay(submission.Attempts);
            LogWillRetry(submission.DocumentNumber, failure.Message, wait);
            submission.TryAgainAt(clock.GetUtcNow() + wait, failure is PlatformApiException api ? $"{api.ErrorCode}: {api.ErrorMessage}" : failure.Message);
        }
        submission.Release();
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task SubmitAsync(IServiceProvider services, PortalDbContext db, EInvoicingSubmission submission, PlatformClient client, CancellationToken cancellationToken)
    {
        var clientAccountId = submission.Kind == SubmittedDocumentKind.Invoice
            ? await db.Invoices.Where(i => i.Id == submission.DocumentId).Select(i => (Guid?)i.ClientAccountId).SingleOrDefaultAsync(cancellationToken)
            : await db.CreditNotes.Where(n => n.Id == submission.DocumentId).Select(n => (Guid?)n.ClientAccountId).SingleOrDefaultAsync(cancellationToken);
        if (clientAccountId is null)
        {
            submission.Fail("The document is not one of this firm's.", clock.GetUtcNow());
            return;
        }

        var siren = await db.ClientAccounts.Where(c => c.Id == clientAccountId).Select(c => c.Siren).SingleAsync(cancellationToken);
        if (siren is { Length: > 0 } && !(await client.FindDirectoryLinesAsync(siren, cancellationToken)).Any(l => l.CanReceive))
        {
            LogUnreachable(submission.DocumentNumber);
            submission.MarkBuyerUnreachable(siren, clock.GetUtcNow());
            return;
        }

        // The French rendering: the document the buyer's platform shows is the firm's legal invoice.
        var kind = submission.Kind == SubmittedDocumentKind.Invoice ? DocumentKind.Invoice : DocumentKind.CreditNote;
        var pdf = await services.GetRequiredService<IDocumentPdfs>().RenderAsync(kind, submission.DocumentId, CultureInfo.GetCultureInfo("fr-FR"), cancellationToken);
        if (pdf is null)
        {
            submission.Fail("The document's Factur-X PDF could not be made.", clock.GetUtcNow());
            return;
        }

        var trackingId = submission.DocumentId.ToString();
        string flowId;
        DateTimeOffset submittedAt;
        try
        {
            var receipt = await client.SubmitFlowAsync(new FlowSubmission(pdf.FileName, "Factur-X", "B2B", "CIUS", trackingId, pdf.Content, pdf.FileName, "application/pdf"), cancellationToken);
            (flowId, submittedAt) = (receipt.FlowId, receipt.SubmittedAt);
        }
        catch (PlatformApiException conflict) when (conflict.Status == System.Net.HttpStatusCode.Conflict)
        {
            // Sent before (an answer lost, a lease that lapsed) and rendered again with other bytes: that flow is ours.
            var existing = (await client.SearchFlowsAsync(new FlowSearch(TrackingId: trackingId, Limit: 1), cancellationToken)).Results.FirstOrDefault();
            if (existing is null)
                throw;
            (flowId, submittedAt) = (existing.FlowId, existing.SubmittedAt);
        }
        LogSubmitted(submission.DocumentNumber, flowId);
        submission.MarkSubmitted(flowId, submittedAt, clock.GetUtcNow());
    }

    private async Task FollowAcknowledgementAsync(EInvoicingSubmission submission, PlatformClient client, CancellationToken cancellationToken)
    {
        var flow = await client.GetFlowAsync(submission.FlowId!, cancellationToken);
        var now = clock.GetUtcNow();
        switch (flow.Acknowledgement.Status)
        {
            case FlowAckStatus.Pending:
                submission.TryAgainAt(now + FollowUpDelay(submission.Attempts), null);
                return;
            case FlowAckStatus.Error:
                var reason = string.Join(" ", flow.Acknowledgement.Details.Select(d => d.ReasonMessage ?? d.ReasonCode).OfType<string>());
                submission.Acknowledge(false, reason.Length > 0 ? reason : null, now);
                return;
            case FlowAckStatus.Ok:
                submission.Acknowledge(true, null, now);
                Record(submission, flow);
                return;
        }
    }

    private async Task FollowLifecycleAsync(EInvoicingSubmission submission, PlatformClient client, CancellationToken cancellationToken)
    {
        var found = await client.SearchFlowsAsync(new FlowSearch(TrackingId: submission.DocumentId.ToString(), Limit: 1), cancellationToken);
        if (found.Results.FirstOrDefault(f => f.FlowId == submission.FlowId) is { } flow)
            Record(submission, flow);
        else if (submission.IsFollowed)
            submission.LookAgainAt(clock.GetUtcNow() + options.Value.LifecyclePollInterval);
    }

    private void Record(EInvoicingSubmission submission, Platform.PlatformFlow flow)
    {
        foreach (var status in flow.Lifecycle.OrderBy(s => s.At).ThenBy(s => s.Status))
            submission.RecordStatus(status.Status, status.At, status.Reason);
        if (submission.IsFollowed)
            submission.LookAgainAt(clock.GetUtcNow() + options.Value.LifecyclePollInterval);
    }

    private TimeSpan FollowUpDelay(int attempts)
    {
        var delay = options.Value.FollowUpBaseDelay * Math.Pow(2, Math.Min(attempts, 10));
        return delay < TimeSpan.FromHours(1) ? delay : TimeSpan.FromHours(1);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "E-invoice {Number} submitted to the platform as flow {FlowId}")]
    private partial void LogSubmitted(string number, string flowId);

    [LoggerMessage(Level = LogLevel.Information, Message = "E-invoice {Number} not sent: the directory lists no platform for the buyer")]
    private partial void LogUnreachable(string number);

    [LoggerMessage(Level = LogLevel.Warning, Message = "E-invoice {Number} refused by the platform ({ErrorCode})")]
    private partial void LogRefused(string number, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "E-invoice {Number}: {Problem}; trying again in {Wait}")]
    private partial void LogWillRetry(string number, string problem, TimeSpan wait);
}
