using System.Globalization;
using System.Text;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Portal.Bench;

/// <summary>Live objects of one type in a heap snapshot.</summary>
internal readonly record struct TypeTotal(long Bytes, long Count);

/// <summary>
/// The managed heap of this process by type, without dotnet-gcdump: an EventPipe session on the process itself with
/// the runtime's heap-snapshot keywords makes the runtime run one induced, blocking full GC and walk the live
/// objects, reporting each (size and type id) in GCBulkNode events and the type names in GCBulkType events.
/// </summary>
internal sealed class HeapByType
{
    // GC | GCHeapDump | Type | GCHeapAndTypeNames | ManagedHeapCollect: what dotnet-gcdump asks for.
    private const long HeapSnapshotKeywords = 0x1980001;

    // By type id, with the names apart: a snapshot kept for comparison holds no strings of its own, which would
    // otherwise show up as growth of System.String in the next one.
    private readonly Dictionary<ulong, TypeTotal> _types;
    private readonly Dictionary<ulong, string> _names;

    private HeapByType(Dictionary<ulong, TypeTotal> types, Dictionary<ulong, string> names) => (_types, _names) = (types, names);

    public long TotalBytes => _types.Values.Sum(t => t.Bytes);

    /// <summary>This snapshot without its type names, to keep while the next one is taken.</summary>
    public HeapByType WithoutNames() => new(_types, []);

    public static async Task<HeapByType> TakeAsync(TimeSpan timeout)
    {
        var client = new DiagnosticsClient(Environment.ProcessId);
        var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", System.Diagnostics.Tracing.EventLevel.Verbose, HeapSnapshotKeywords);
        // A big buffer: a dropped GCBulkNode event would silently leave objects out of the snapshot.
        using var session = await client.StartEventPipeSessionAsync([provider], requestRundown: false, circularBufferMB: 1024, CancellationToken.None);
        var reading = Task.Run(() => Read(session));
        if (await Task.WhenAny(reading, Task.Delay(timeout)) != reading)
        {
            await session.StopAsync(CancellationToken.None);
            throw new TimeoutException("The heap snapshot's induced GC did not finish in time.");
        }
        return await reading;
    }

    private static HeapByType Read(EventPipeSession session)
    {
        using var source = new EventPipeEventSource(session.EventStream);
        var typeNames = new Dictionary<ulong, string>();
        var types = new Dictionary<ulong, TypeTotal>();
        int? snapshotGc = null;
        var done = false;

        // The heap-dump keyword also makes any other GC during the session walk the heap: only the induced one counts.
        source.Clr.GCStart += data =>
        {
            if (snapshotGc is null && data.Reason == GCReason.Induced && data.Depth == 2)
                snapshotGc = data.Count;
        };
        source.Clr.GCBulkNode += data =>
        {
            if (snapshotGc is null || done)
                return;
            for (var i = 0; i < data.Count; i++)
            {
                var node = data.Values(i);
                var sofar = types.GetValueOrDefault(node.TypeID);
                types[node.TypeID] = new TypeTotal(sofar.Bytes + (long)node.Size, sofar.Count + 1);
            }
        };
        source.Clr.TypeBulkType += data =>
        {
            for (var i = 0; i < data.Count; i++)
            {
                var type = data.Values(i);
                typeNames[type.TypeID] = type.TypeName;
            }
        };
        source.Clr.GCStop += data =>
        {
            if (snapshotGc != data.Count || done)
                return;
            done = true;
            // Type names for the walk are written before its GCStop; what follows is not needed. Stopping ends the
            // stream, so it cannot wait on this thread, which is the one reading it.
            _ = Task.Run(() => session.Stop());
        };
        source.Process();
        if (!done)
            throw new InvalidOperationException("The event stream ended before the snapshot's induced GC finished.");

        return new HeapByType(types, typeNames);
    }

    /// <summary>
    /// The types that grew most from <paramref name="before"/> to <paramref name="after"/>, per tab, as a table. Type
    /// ids are method table addresses, stable while the types stay loaded: names come from either snapshot.
    /// </summary>
    public static string Growth(HeapByType before, HeapByType after, int tabs, int top)
    {
        var rows = after._types.Keys.Union(before._types.Keys)
            .Select(id =>
            {
                var was = before._types.GetValueOrDefault(id);
                var now = after._types.GetValueOrDefault(id);
                var name = after._names.GetValueOrDefault(id) ?? before._names.GetValueOrDefault(id) ?? $"type 0x{id:x}";
                return (Name: name, Bytes: now.Bytes - was.Bytes, Count: now.Count - was.Count, Before: was.Bytes);
            })
            // Types of the same name (generic instantiations the events name alike) are one row.
            .GroupBy(r => r.Name)
            .Select(g => (Name: g.Key, Bytes: g.Sum(r => r.Bytes), Count: g.Sum(r => r.Count), Before: g.Sum(r => r.Before)))
            .OrderByDescending(r => r.Bytes)
            .Take(top);
        var table = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        table.AppendLine(inv, $"heap by type: {before.TotalBytes / 1024} KB before, {after.TotalBytes / 1024} KB after, {(after.TotalBytes - before.TotalBytes) / tabs / 1024.0:F1} KB per tab");
        table.AppendLine(inv, $"{"bytes/tab",10} {"objects/tab",11} {"KB before",10}  type");
        foreach (var row in rows)
            table.AppendLine(inv, $"{row.Bytes / tabs,10} {row.Count / (double)tabs,11:F1} {row.Before / 1024,10}  {row.Name}");
        return table.ToString();
    }
}
