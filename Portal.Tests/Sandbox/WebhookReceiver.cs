using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.Tests.Sandbox;

public sealed record ReceivedWebhook(string Path, string Body, IReadOnlyDictionary<string, string> Headers, int AnsweredWith)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}

// A real HTTP endpoint the sandbox delivers webhooks to. It records every request and answers with planned statuses
// (200 unless told otherwise), so tests can wait for deliveries instead of sleeping.
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly Queue<int> _plannedStatuses = new();
    private readonly WebApplication _app;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_gate)
            {
                return _received.ToList();
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", receiver.RecordAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.BaseUrl = new Uri(address);
        return receiver;
    }

    public string UrlFor(string path) => new Uri(BaseUrl, path).ToString();

    public void AnswerNextWith(params int[] statuses)
    {
        lock (_gate)
        {
            foreach (var status in statuses)
            {
                _plannedStatuses.Enqueue(status);
            }
        }
    }

    public async Task<ReceivedWebhook> WaitForAsync(Func<ReceivedWebhook, bool> matches, TimeSpan? timeout = null)
    {
        var found = await WaitForCountAsync(matches, 1, timeout);
        return found[0];
    }

    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForCountAsync(Func<ReceivedWebhook, bool> matches, int count, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                var found = _received.Where(matches).ToList();
                if (found.Count >= count)
                {
                    return found;
                }

                arrived = _arrived.Task;
            }

            try
            {
                await arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Expected {count} matching webhook(s); received {Received.Count} webhook(s) in total.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task RecordAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        int status;
        lock (_gate)
        {
            status = _plannedStatuses.Count > 0 ? _plannedStatuses.Dequeue() : StatusCodes.Status200OK;
            _received.Add(new ReceivedWebhook(context.Request.Path, body, headers, status));
            var previous = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            previous.TrySetResult();
        }

        context.Response.StatusCode = status;
    }
}
