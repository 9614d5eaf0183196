using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Tests.Fixture;

/// <summary>Portal started as its own process, as it runs in production; killed, not stopped, when the test says so.</summary>
internal sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PortalProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>
    /// The settings a Portal process needs to run on <paramref name="app"/>'s database, with mail to
    /// <paramref name="smtpPort"/>, no demo data, on a port of its own.
    /// </summary>
    public static Dictionary<string, string?> SettingsFor(PortalApp app, int smtpPort) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Testing",
        ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        ["Database__Provider"] = PortalApp.DatabaseUnderTest.ToString(),
        ["ConnectionStrings__Portal"] = app.Services.GetRequiredService<IConfiguration>()["ConnectionStrings:Portal"],
        ["Data__Folder"] = app.Services.GetRequiredService<IConfiguration>()["Data:Folder"],
        ["Demo__Seed"] = "false",
        ["Email__Smtp__Host"] = "127.0.0.1",
        ["Email__Smtp__Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        ["Email__Smtp__UseStartTls"] = "false",
    };

    public static PortalProcess Start(Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "Portal.dll")}\"")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        var started = new PortalProcess(process);
        process.OutputDataReceived += (_, line) => started.Append(line.Data);
        process.ErrorDataReceived += (_, line) => started.Append(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    public void ShouldBeRunning()
    {
        if (_process.HasExited)
            throw new InvalidOperationException($"Portal exited with code {_process.ExitCode}:\n{Output}");
    }

    /// <summary>Awaits <paramref name="task"/>, naming the process's output if it fails.</summary>
    public async Task<T> WhileRunningAsync<T>(Task<T> task)
    {
        try
        {
            return await task;
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}\n{(_process.HasExited ? $"Portal exited with code {_process.ExitCode}" : "Portal still running")}:\n{Output}", timeout);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flushing, as a crash or an out-of-memory kill.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
