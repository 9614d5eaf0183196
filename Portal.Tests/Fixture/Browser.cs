using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Portal.Tests.Fixture;

/// <summary>One headless Debian Chromium for the whole run, driven by Playwright; each test gets its own context.</summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = default!;

    public static string ScreenshotFolder
    {
        get
        {
            var folder = Path.Combine(RepositoryRoot(), "docs", "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") ?? "/usr/bin/chromium",
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    private const float ActionTimeout = 90_000;

    public async Task<IPage> NewPageAsync(Uri baseUrl, int width = 1280, int height = 900, string locale = "en-GB")
    {
        var context = await Chromium.NewContextAsync(new() { BaseURL = baseUrl.ToString(), ViewportSize = new() { Width = width, Height = height }, Locale = locale });
        // Every wait is on something the user sees; the limit only decides how long a real failure takes to report.
        // On CI's 2 cores, shared by PostgreSQL, the app, Chromium and another test class (which may be starting whole
        // app processes), a sign-in and its redirect once took over 30 s, and so did a payment page waiting on its
        // webhook; waits allow 90 s. Expectations wait as long as actions.
        context.SetDefaultTimeout(ActionTimeout);
        Assertions.SetDefaultExpectTimeout(ActionTimeout);
        OpenContexts.GetOrAdd(baseUrl.Authority, _ => []).Add(context);
        var page = await context.NewPageAsync();
        page.Console += (_, message) => Console.WriteLine($"[browser {message.Type}] {message.Text}");
        return page;
    }

    /// <summary>
    /// Contexts by the host and port of the app they visit. A page left open after its test keeps a renderer process
    /// busy (a live page polls; once its app stops, Blazor keeps trying to reconnect), and over a run dozens of them
    /// took the processor from the tests that followed. They are closed when their app stops.
    /// </summary>
    private static readonly ConcurrentDictionary<string, ConcurrentBag<IBrowserContext>> OpenContexts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Closes every page opened on the app at <paramref name="baseUrl"/>; called as that app stops.</summary>
    public static async Task CloseContextsOnAsync(Uri baseUrl)
    {
        if (!OpenContexts.TryRemove(baseUrl.Authority, out var contexts))
            return;
        foreach (var context in contexts)
        {
            try
            {
                await context.CloseAsync();
            }
            catch (PlaywrightException)
            {
                // Its browser has already shut down with the collection.
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
            await Chromium.DisposeAsync();
        _playwright?.Dispose();
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}

/// <summary>The browser journeys: one after another, on one Chromium.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Browser>
{
    public const string Name = "browser";
}

/// <summary>
/// The accessibility sweep, on a Chromium of its own: it visits every page twice and takes about as long as all the
/// journeys together, so it runs beside them rather than after them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AccessibilitySweepCollection : ICollectionFixture<Browser>
{
    public const string Name = "accessibility sweep";
}

/// <summary>Portal with the demo firm seeded, as a newcomer sees it after <c>dotnet run --project Portal</c>.</summary>
public partial class DemoPortalApp : PortalApp
{
    protected override bool SeedDemoData => true;

    /// <summary>
    /// The first request to a new app compiles the sign-in page and reads the scripts and styles from disk; on 2 busy
    /// cores that took longer than a browser's 30 s wait for the page to load. The sign-in page and everything it loads
    /// are fetched once here, with no time limit but the client's own, so the browser meets an app that is ready.
    /// </summary>
    protected override async Task WarmUpAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromMinutes(2) };
        var page = await http.GetStringAsync("/Account/Login");
        foreach (var asset in LocalAssets().Matches(page).Select(m => m.Groups["path"].Value).Distinct())
            (await http.GetAsync(asset)).EnsureSuccessStatusCode();
    }

    [System.Text.RegularExpressions.GeneratedRegex("(?:src|href)=\"(?<path>/?[A-Za-z_][^\":?#]*\\.(?:js|css))\"")]
    private static partial System.Text.RegularExpressions.Regex LocalAssets();
}
