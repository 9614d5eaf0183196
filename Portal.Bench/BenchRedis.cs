using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Portal.Bench;

/// <summary>A throwaway redis-server on a free loopback port, no persistence, stopped with the run.</summary>
internal sealed class BenchRedis : IAsyncDisposable
{
    private readonly Process _server;
    private readonly string _folder;

    private BenchRedis(Process server, string folder, int port) => (_server, _folder, Connection) = (server, folder, $"127.0.0.1:{port}");

    public string Connection { get; }

    public static async Task<BenchRedis> StartAsync()
    {
        var program = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed (apt package redis-server; ./test.sh installs it).");
        var folder = Directory.CreateTempSubdirectory("portal-bench-redis-").FullName;
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", $"{port}", "--save", "", "--appendonly", "no", "--dir", folder })
            start.ArgumentList.Add(argument);
        var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var redis = new BenchRedis(server, folder, port);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await AcceptsConnectionsAsync(port))
        {
            if (server.HasExited || DateTime.UtcNow > deadline)
            {
                await redis.DisposeAsync();
                throw new InvalidOperationException($"redis-server did not start on port {port}.");
            }
            await Task.Delay(50);
        }
        return redis;
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            _server.Kill();
            await _server.WaitForExitAsync();
        }
        _server.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
