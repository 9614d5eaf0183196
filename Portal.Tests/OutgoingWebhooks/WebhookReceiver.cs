using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.Tests.OutgoingWebhooks;

public sealed record ReceivedWebhook(string Path, string Body, string? Signature, string? EventId, string? EventType, string? ContentType);

/// <summary>
/// A firm's own software, as far as Portal can tell: a minimal Kestrel app on a loopback port that records every
/// POST and answers what the test asks (200 unless told otherwise for a path). It checks signatures with its own
/// HMAC-SHA256 code, not Portal's, as a receiver would.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly Dictionary<string, Func<int, int>> _answers = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    public Uri BaseUrl { get; private set; } = default!;

    public int Port => BaseUrl.Port;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var request = new ReceivedWebhook(context.Request.Path.Value!, body, context.Request.Headers["Portal-Signature"].FirstOrDefault(),
                context.Request.Headers["Portal-Event-Id"].FirstOrDefault(), context.Request.Headers["Portal-Event-Type"].FirstOrDefault(), context.Request.ContentType);
            int status;
            lock (_gate)
            {
                _received.Add(request);
                var count = _received.Count(r => r.Path == request.Path);
                status = _answers.TryGetValue(request.Path, out var answer) ? answer(count) : 200;
                _arrived.TrySetResult();
                _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(status is >= 200 and < 300 ? "{\"received\":true}" : "receiver is down for the test");
        });
        await _app.StartAsync();
        BaseUrl = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>A fresh path on this receiver, so each test hears only its own endpoint.</summary>
    public string NewPath() => $"/hooks/{Guid.NewGuid():N}";

    public Uri UrlOf(string path) => new(BaseUrl, path);

    /// <summary>What the nth request (1-based) to <paramref name="path"/> is answered.</summary>
    public void Answer(string path, Func<int, int> status)
    {
        lock (_gate)
            _answers[path] = status;
    }

    public IReadOnlyList<ReceivedWebhook> ReceivedAt(string path)
    {
        lock (_gate)
            return _received.Where(r => r.Path == path).ToList();
    }

    /// <summary>Waits until <paramref name="path"/> has had at least <paramref name="count"/> requests matching <paramref name="which"/>.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(string path, int count, Func<ReceivedWebhook, bool>? which = null, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                var matching = _received.Where(r => r.Path == path && (which?.Invoke(r) ?? true)).ToList();
                if (matching.Count >= count)
                    return matching;
                arrived = _arrived.Task;
            }
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"{path} received {ReceivedAt(path).Count} requests, not the {count} expected.");
            try
            {
                await arrived.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                // Checked once more at the top, then reported.
            }
        }
    }

    /// <summary>
    /// The receiver's own check, written from the documentation: HMAC-SHA256 of "t.body" with the secret, hex, compared
    /// in constant time, and the timestamp no more than 5 minutes from <paramref name="now"/>.
    /// </summary>
    public static bool SignatureHolds(ReceivedWebhook request, string secret, DateTimeOffset now)
    {
        if (request.Signature is null)
            return false;
        var parts = request.Signature.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1) || !long.TryParse(t, out var seconds))
            return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > 300)
            return false;
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(t + "." + request.Body));
        byte[] given;
        try
        {
            given = Convert.FromHexString(v1);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }
}
