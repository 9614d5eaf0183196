using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Imports;
using Portal.Tests.Fixture;
using Xunit.Abstractions;

namespace Portal.Tests.Imports;

/// <summary>A firm's whole client list at once: 50,000 rows preview and commit in batches. The times are printed, not asserted.</summary>
public sealed class ClientImportScaleTests(PortalApp app, ITestOutputHelper output) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Fifty_thousand_client_rows_preview_and_commit_with_the_existing_ones_updated()
    {
        const int rows = 50_000;
        const int existing = 2_000;
        var firm = await app.AFirmAsync();
        var text = new StringBuilder("Raison sociale;Courriel;Code client;Langue;Devise;Adresse\n");
        for (var i = 0; i < rows; i++)
            text.Append(CultureInfo.InvariantCulture, $"Client n°{i};client{i}@bulk.test;REF-{i};{(i % 2 == 0 ? "fr" : "en")};EUR;{i} avenue des Champs, Paris\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        // Some clients are already there, found again by their reference.
        var head = Encoding.UTF8.GetBytes(string.Join('\n', text.ToString().Split('\n').Take(existing + 1)) + "\n");
        (await app.CommitClientsAsync(firm, new MemoryStream(head))).Created.ShouldBe(existing);

        var clock = Stopwatch.StartNew();
        var preview = await app.PreviewClientsAsync(firm, new MemoryStream(bytes));
        var previewTime = clock.Elapsed;
        clock.Restart();
        var committed = await app.CommitClientsAsync(firm, new MemoryStream(bytes));
        var commitTime = clock.Elapsed;
        output.WriteLine($"{rows} rows ({bytes.Length / 1024} KiB): preview {previewTime.TotalSeconds:F1} s, commit {commitTime.TotalSeconds:F1} s");

        (preview.Created, preview.Updated, preview.Errors).ShouldBe((rows - existing, existing, 0));
        (committed.Created, committed.Updated, committed.Errors).ShouldBe((rows - existing, existing, 0));
        await using var db = app.OpenDb(firm.Id);
        (await db.ClientAccounts.CountAsync()).ShouldBe(rows);
        (await db.ClientAccounts.CountAsync(c => c.Language == "fr")).ShouldBe(rows / 2);
    }
}
