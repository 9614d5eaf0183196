using System.Diagnostics;
using System.Net.Sockets;

namespace Portal.Tests.Live;

/// <summary>
/// A throwaway redis-server on a loopback port, no persistence, stopped with the test class. Redis is required,
/// not optional: ./test.sh installs it when missing, and without it these tests fail rather than skip.
/// </summary>
public sealed class TestRedis : IAsyncLifetime
{
    private Process? _server;

    public string Connection { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var program = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: run ./test.sh, which installs it (apt package redis-server).");
        var port = FreePort();
        var folder = Directory.CreateTempSubdirectory("portal-redis-").FullName;
        _server = Process.Start(new ProcessStartInfo(program, $"--bind 127.0.0.1 --port {port} --save '' --appendonly no --dir {folder}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _server.OutputDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        Connection = $"127.0.0.1:{port}";
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await AcceptsConnectionsAsync(port))
        {
            if (_server.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"redis-server did not start on port {port}.");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
            await _server.WaitForExitAsync();
        }
        _server?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
