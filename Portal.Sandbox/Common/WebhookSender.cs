using System.Net.Http.Headers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Portal.Sandbox.Common;

// Sends queued deliveries one at a time (so out_of_order mode really arrives newest first) and waits on the
// sandbox clock between retries, so a FakeTimeProvider decides when a retry happens.
public sealed class WebhookSender(WebhookQueue queue, TimeProvider clock, ILogger<WebhookSender> logger) : BackgroundService
{
    // Providers give up on a receiver after about 10 seconds.
    private static readonly TimeSpan ReceiverTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = ReceiverTimeout };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = queue.ChangedSignal();
            foreach (var delivery in queue.TakeDue(clock.GetUtcNow()))
            {
                var attempt = await SendAsync(delivery, stoppingToken);
                queue.Complete(delivery, attempt);
            }

            await WaitForWorkAsync(changed, stoppingToken);
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    private async Task WaitForWorkAsync(Task changed, CancellationToken stoppingToken)
    {
        var nextDue = queue.NextDueAt();
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var waits = new List<Task> { changed };
        if (nextDue is { } due)
        {
            var delay = due - clock.GetUtcNow();
            if (delay <= TimeSpan.Zero)
            {
                return;
            }

            waits.Add(Task.Delay(delay, clock, wake.Token));
        }

        try
        {
            await Task.WhenAny(waits).WaitAsync(stoppingToken);
        }
        finally
        {
            await wake.CancelAsync();
        }
    }

    private async Task<WebhookAttempt> SendAsync(WebhookDelivery delivery, CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow();
        var number = delivery.Attempts.Count + 1;
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
        {
            Content = new StringContent(delivery.Body, System.Text.Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in delivery.HeadersAt(now))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _http.SendAsync(request, stoppingToken);
            logger.LogInformation(
                "Webhook {DeliveryId} attempt {Attempt} to {Host} answered {StatusCode}",
                delivery.Id, number, delivery.Url.Authority, (int)response.StatusCode);
            return new WebhookAttempt(number, now, (int)response.StatusCode, null);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Webhook {DeliveryId} attempt {Attempt} to {Host} failed: {Error}", delivery.Id, number, delivery.Url.Authority, exception.Message);
            return new WebhookAttempt(number, now, null, exception is OperationCanceledException ? "timeout" : exception.Message);
        }
    }
}
