using System.Diagnostics;
using Microsoft.Playwright;
using Portal.Demo;

namespace Portal.Bench;

/// <summary>
/// Headless Chromium tabs signed in as client contacts on /portal, driven from a second process (this same program
/// with <c>circuit-tabs</c>), so that Playwright's objects for every page, request and response stay out of the heap
/// being measured. The two processes speak one line at a time: <c>open email…</c> answers <c>opened N</c>,
/// <c>interactive</c> answers how many tabs still run a live circuit; closing the input ends the browser.
/// </summary>
internal sealed class BrowserTabs : IAsyncDisposable
{
    private const int OpeningInParallel = 4;
    private readonly Process _driver;

    private BrowserTabs(Process driver) => _driver = driver;

    public static BrowserTabs Start(Uri baseUrl)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("circuit-tabs");
        start.ArgumentList.Add(baseUrl.ToString());
        return new BrowserTabs(Process.Start(start)!);
    }

    /// <summary>Opens a tab per contact (a few at a time) and returns once each runs the dashboard in a live circuit.</summary>
    public async Task<int> OpenAsync(IEnumerable<BenchContact> contacts) =>
        int.Parse((await AskAsync("open " + string.Join(' ', contacts.Select(c => c.Email)))).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    public async Task<int> InteractiveAsync() =>
        int.Parse((await AskAsync("interactive")).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string> AskAsync(string command)
    {
        await _driver.StandardInput.WriteLineAsync(command);
        await _driver.StandardInput.FlushAsync();
        return await _driver.StandardOutput.ReadLineAsync()
            ?? throw new InvalidOperationException($"The browser process ended (exit code {(_driver.HasExited ? _driver.ExitCode : -1)}) while asked: {command.Split(' ')[0]}");
    }

    public async ValueTask DisposeAsync()
    {
        _driver.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _driver.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _driver.Kill(entireProcessTree: true);
        }
        _driver.Dispose();
    }

    /// <summary>The second process: runs Chromium and answers the first one's commands until its input closes.</summary>
    public static async Task<int> DriveAsync(Uri baseUrl)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") ?? "/usr/bin/chromium",
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        while (await Console.In.ReadLineAsync() is { } command)
        {
            var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words is ["open", .. var emails])
            {
                var opened = 0;
                await Parallel.ForEachAsync(emails, new ParallelOptions { MaxDegreeOfParallelism = OpeningInParallel }, async (email, _) =>
                {
                    await OpenPortalAsync(browser, baseUrl, email);
                    Interlocked.Increment(ref opened);
                });
                Console.WriteLine($"opened {opened}");
            }
            else if (words is ["interactive"])
            {
                var live = 0;
                foreach (var context in browser.Contexts)
                    foreach (var page in context.Pages)
                        live += await page.Locator("#portal-interactive").CountAsync();
                Console.WriteLine($"interactive {live}");
            }
            else
            {
                Console.WriteLine($"unknown {command}");
            }
        }
        return 0;
    }

    /// <summary>Signs in through the login form in a browser context of its own and lands on /portal with a live circuit.</summary>
    private static async Task OpenPortalAsync(IBrowser browser, Uri baseUrl, string email)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = baseUrl.ToString(), Locale = "en-GB" });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login?ReturnUrl=%2Fportal");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(DemoData.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/portal", StringComparison.Ordinal));
        // Prerendered HTML is there before the circuit: the page renders this marker only once it runs interactively.
        await page.Locator("#portal-interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }
}
