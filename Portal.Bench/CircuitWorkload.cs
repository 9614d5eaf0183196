using Microsoft.Playwright;
using Portal.Demo;

namespace Portal.Bench;

/// <param name="BlankPageBytes">What a context and page on about:blank cost this process: Playwright's share of the figure.</param>
/// <param name="ByType">With <c>--by-type</c>: the types that grew most, per tab.</param>
internal sealed record CircuitFigures(int Tabs, long TotalMemoryBefore, long TotalMemoryAfter, long HeapSizeBefore, long HeapSizeAfter, long BlankPageBytes, string? ByType)
{
    public long KilobytesPerCircuit => (TotalMemoryAfter - TotalMemoryBefore) / Tabs / 1024;
    public long HeapKilobytesPerCircuit => (HeapSizeAfter - HeapSizeBefore) / Tabs / 1024;
}

/// <summary>
/// What a live circuit costs the server: client contacts open /portal in headless Chromium until each page is
/// interactive, and the app's managed heap is compared before and after. The browser is another OS process; the
/// Playwright objects for the pages do live in this process's heap, so the figure errs on the high side.
/// </summary>
internal static class CircuitWorkload
{
    private const int OpeningInParallel = 4;
    private static readonly TimeSpan SnapshotTimeout = TimeSpan.FromMinutes(2);
    private static readonly int TopTypes = int.TryParse(Environment.GetEnvironmentVariable("PORTAL_BENCH_TOP_TYPES"), out var top) ? top : 40;

    public static async Task<CircuitFigures> RunAsync(BenchPostgres server, int tabs, bool byType)
    {
        var connectionString = await server.CreateDatabaseAsync("portal_bench_circuits");
        await using var app = PortalOnKestrel.Start(connectionString);
        var firm = await BenchFirm.CreateAsync(app.Services, "bench");
        // Like the demo: each client has a contact who can sign in and two issued invoices. One more opens first
        // and stays open, so the JIT, EF's model and the component types are paid for before measuring.
        var contacts = new List<BenchContact>();
        for (var n = 0; n <= tabs; n++)
            contacts.Add(await BenchFirm.AClientWithLoginAsync(app.Services, firm, n));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") ?? "/usr/bin/chromium",
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        await OpenPortalAsync(browser, app.BaseUrl, contacts[0]);
        // Taken before the figures are read, so the snapshot kept for comparison is in both of them.
        var typesBefore = byType ? (await HeapByType.TakeAsync(SnapshotTimeout)).WithoutNames() : null;
        var before = SettledHeap();

        var opened = 0;
        await Parallel.ForEachAsync(contacts.Skip(1), new ParallelOptions { MaxDegreeOfParallelism = OpeningInParallel }, async (contact, _) =>
        {
            await OpenPortalAsync(browser, app.BaseUrl, contact);
            Interlocked.Increment(ref opened);
        });
        var after = SettledHeap();
        var typesAfter = byType ? await HeapByType.TakeAsync(SnapshotTimeout) : null;
        var stillLive = 0;
        foreach (var context in browser.Contexts)
            foreach (var page in context.Pages)
                stillLive += await page.Locator("#portal-interactive").CountAsync();
        if (opened != tabs || stillLive != tabs + 1)
            throw new InvalidOperationException($"{opened} of {tabs} tabs opened, {stillLive} interactive at the end: the figure would be per the wrong number of circuits.");

        // As many tabs again that never reach the server: what remains is the bench's own Playwright objects.
        for (var n = 0; n < tabs; n++)
            await (await browser.NewContextAsync()).NewPageAsync();
        var blank = SettledHeap();
        return new CircuitFigures(tabs, before.TotalMemory, after.TotalMemory, before.HeapSize, after.HeapSize, (blank.TotalMemory - after.TotalMemory) / tabs,
            typesBefore is not null && typesAfter is not null ? HeapByType.Growth(typesBefore, typesAfter, tabs, top: TopTypes) : null);
    }

    /// <summary>Signs in through the login form in a browser context of its own and lands on /portal with a live circuit.</summary>
    private static async Task OpenPortalAsync(IBrowser browser, Uri baseUrl, BenchContact contact)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = baseUrl.ToString(), Locale = "en-GB" });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login?ReturnUrl=%2Fportal");
        await page.GetByLabel("Email").FillAsync(contact.Email);
        await page.GetByLabel("Password").FillAsync(DemoData.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/portal", StringComparison.Ordinal));
        // Prerendered HTML is there before the circuit: the layout renders this marker only once it runs interactively.
        await page.Locator("#portal-interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    private static (long TotalMemory, long HeapSize) SettledHeap()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return (GC.GetTotalMemory(forceFullCollection: false), GC.GetGCMemoryInfo().HeapSizeBytes);
    }
}
