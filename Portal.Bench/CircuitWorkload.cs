namespace Portal.Bench;

/// <param name="ByType">With <c>--by-type</c>: the types that grew most, per tab.</param>
internal sealed record CircuitFigures(int Tabs, long TotalMemoryBefore, long TotalMemoryAfter, long HeapSizeBefore, long HeapSizeAfter, string? ByType)
{
    public long KilobytesPerCircuit => (TotalMemoryAfter - TotalMemoryBefore) / Tabs / 1024;
    public long HeapKilobytesPerCircuit => (HeapSizeAfter - HeapSizeBefore) / Tabs / 1024;
}

/// <summary>
/// What a live circuit costs the server: client contacts open /portal in headless Chromium until each page is
/// interactive, and the app's managed heap is compared before and after. Chromium and Playwright run in other
/// processes (<see cref="BrowserTabs"/>), so this process's heap holds the app and nothing of the browser's.
/// </summary>
internal static class CircuitWorkload
{
    private static readonly TimeSpan SnapshotTimeout = TimeSpan.FromMinutes(2);
    private static readonly int TopTypes = int.TryParse(Environment.GetEnvironmentVariable("PORTAL_BENCH_TOP_TYPES"), out var top) ? top : 40;

    public static async Task<CircuitFigures> RunAsync(BenchPostgres server, int tabCount, bool byType)
    {
        var connectionString = await server.CreateDatabaseAsync("portal_bench_circuits");
        await using var app = PortalOnKestrel.Start(connectionString);
        var firm = await BenchFirm.CreateAsync(app.Services, "bench");
        // Like the demo: each client has a contact who can sign in and two issued invoices. One more opens first
        // and stays open, so the JIT, EF's model and the component types are paid for before measuring.
        var contacts = new List<BenchContact>();
        for (var n = 0; n <= tabCount; n++)
            contacts.Add(await BenchFirm.AClientWithLoginAsync(app.Services, firm, n));

        await using var tabs = BrowserTabs.Start(app.BaseUrl);
        await tabs.OpenAsync(contacts.Take(1));
        // Taken before the figures are read, so the snapshot kept for comparison is in both of them.
        var typesBefore = byType ? (await HeapByType.TakeAsync(SnapshotTimeout)).WithoutNames() : null;
        var before = SettledHeap();

        var opened = await tabs.OpenAsync(contacts.Skip(1));
        var after = SettledHeap();
        var typesAfter = byType ? await HeapByType.TakeAsync(SnapshotTimeout) : null;
        var stillLive = await tabs.InteractiveAsync();
        if (opened != tabCount || stillLive != tabCount + 1)
            throw new InvalidOperationException($"{opened} of {tabCount} tabs opened, {stillLive} interactive at the end: the figure would be per the wrong number of circuits.");
        return new CircuitFigures(tabCount, before.TotalMemory, after.TotalMemory, before.HeapSize, after.HeapSize,
            typesBefore is not null && typesAfter is not null ? HeapByType.Growth(typesBefore, typesAfter, tabCount, top: TopTypes) : null);
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
