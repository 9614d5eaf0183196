using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Domain;
using Portal.GoCardless;
using Portal.Sandbox;
using Portal.Tests.Sandbox;
using Portal.Tests.Sandbox.GoCardless;

namespace Portal.Tests.GoCardless;

// The portal's GoCardless client, registered by AddGoCardless as in Program.cs, pointed at a real Portal.Sandbox
// over HTTP, with the sandbox's control API, hosted page and webhook receiver at hand.
public sealed class GoCardlessClientBed : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private GoCardlessClientBed(GoCardlessTestbed sandbox, ServiceProvider services, RecordedLogs logs)
    {
        Sandbox = sandbox;
        Logs = logs;
        _services = services;
        Clients = services.GetRequiredService<GoCardlessClients>();
        Client = Clients.For(GoCardlessEnvironment.PortalSandbox, sandbox.Token);
    }

    public GoCardlessTestbed Sandbox { get; }

    public IServiceProvider Services => _services;

    public GoCardlessClients Clients { get; }

    public GoCardlessClient Client { get; }

    public SandboxControl Control => Sandbox.Control;

    public RecordedLogs Logs { get; }

    public static async Task<GoCardlessClientBed> StartAsync(Action<SandboxOptions>? configureSandbox = null, IDictionary<string, string?>? settings = null)
    {
        var sandbox = await GoCardlessTestbed.StartAsync(configureSandbox);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GoCardless:PortalSandboxUrl"] = new Uri(sandbox.Sandbox.BaseUrl, "sandbox/gocardless/").ToString(),
            ["GoCardless:RetryBaseDelay"] = "00:00:00.010",
            ["GoCardless:MaxRateLimitWait"] = "00:00:01",
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var logs = new RecordedLogs();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
            .AddGoCardless()
            .BuildServiceProvider();
        return new GoCardlessClientBed(sandbox, services, logs);
    }

    // Billing request → hosted flow → the payer approves on the sandbox's page → the mandate the flow created.
    public async Task<GoCardlessMandate> MandateThroughHostedFlowAsync(string payerChoice = "approve", Currency? currency = null)
    {
        var request = await Client.CreateBillingRequestAsync(new NewBillingRequest(new NewMandateRequest(currency ?? Currency.GBP)), NewKey());
        var flow = await Client.CreateBillingRequestFlowAsync(
            new NewBillingRequestFlow(request.Id, new Uri("https://portal.example.test/dd/done"), new Uri("https://portal.example.test/dd/exit"),
                new GoCardlessPrefilledCustomer(GivenName: "Ada", FamilyName: "Lovelace", Email: "ada@example.test")),
            NewKey());
        using var page = await Sandbox.ChooseOnFlowPageAsync(flow.AuthorisationUrl!.ToString(), payerChoice);
        var fulfilled = await Client.GetBillingRequestAsync(request.Id);
        return await Client.GetMandateAsync(fulfilled.Links.MandateRequestMandate!);
    }

    public Task<GoCardlessMandate> ActiveMandateAsync() => MandateThroughHostedFlowAsync("approve_active");

    public Task<GoCardlessPayment> PaymentAsync(GoCardlessMandate mandate, long pence = 5_000, string? idempotencyKey = null) =>
        Client.CreatePaymentAsync(new NewPayment(new Money(pence, Currency.GBP), mandate.Id, Metadata: new Dictionary<string, string> { ["invoice_id"] = "42" }), idempotencyKey ?? NewKey());

    // Oldest first.
    public async Task<IReadOnlyList<string>> PaymentIdsAsync(GoCardlessMandate mandate, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await PaymentAsync(mandate, pence: 1_000 + i)).Id);
        }

        return ids;
    }

    public static string NewKey() => Guid.NewGuid().ToString("N");

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}

public sealed record RecordedLog(LogLevel Level, string Category, string Message);

// Every log line the client writes, to check what it says and that no secret is in it.
public sealed class RecordedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<RecordedLog> _lines = new();

    public IReadOnlyList<RecordedLog> Lines => _lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(RecordedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs._lines.Enqueue(new RecordedLog(logLevel, category, formatter(state, exception) + (exception is null ? "" : " " + exception)));
    }
}
