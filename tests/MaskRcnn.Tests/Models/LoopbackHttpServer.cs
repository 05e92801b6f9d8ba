using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MaskRcnn.Tests.Models;

/// <summary>One request the test server received.</summary>
internal sealed record ServerRequest(int Index, string Method, string Path, IReadOnlyDictionary<string, string> Headers)
{
    public string? Range => Headers.TryGetValue("Range", out var value) ? value : null;
}

/// <summary>What the test server answers with.</summary>
internal sealed record ServerReply(int Status, byte[] Body)
{
    public string Reason { get; init; } = Status switch { 200 => "OK", 206 => "Partial Content", 404 => "Not Found", 416 => "Range Not Satisfiable", _ => "Status" };
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    /// <summary>Close the connection after this many body bytes.</summary>
    public int? CloseAfter { get; init; }
    /// <summary>Send the body in chunks of this size, waiting <see cref="ChunkDelay"/> between them.</summary>
    public int ChunkSize { get; init; } = 64 * 1024;
    public TimeSpan ChunkDelay { get; init; }
    /// <summary>Leave out Content-Length; the body then ends when the connection closes.</summary>
    public bool OmitContentLength { get; init; }

    public static ServerReply NotFound() => new(404, Encoding.ASCII.GetBytes("not here"));

    /// <summary>The file, honouring a "bytes=N-" range request unless <paramref name="ignoreRange"/>.</summary>
    public static ServerReply File(byte[] content, ServerRequest request, bool ignoreRange = false)
    {
        if (!ignoreRange && request.Range is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            var from = long.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture);
            if (from >= content.Length)
                return new ServerReply(416, []) { Headers = new Dictionary<string, string> { ["Content-Range"] = $"bytes */{content.Length}" } };
            return new ServerReply(206, content[(int)from..])
            {
                Headers = new Dictionary<string, string> { ["Content-Range"] = $"bytes {from}-{content.Length - 1}/{content.Length}" },
            };
        }
        return new ServerReply(200, content);
    }
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 for tests: one request per connection, answers from a handler, records what it
/// received. Bounded: it accepts at most <c>maxRequests</c> connections and stops by itself after <c>lifetime</c>.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop;
    private readonly Func<ServerRequest, ServerReply> _handler;
    private readonly int _maxRequests;
    private readonly ConcurrentQueue<ServerRequest> _requests = new();
    private readonly Task _loop;

    public LoopbackHttpServer(Func<ServerRequest, ServerReply> handler, int maxRequests = 16, TimeSpan? lifetime = null)
    {
        _handler = handler;
        _maxRequests = maxRequests;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _stop = new CancellationTokenSource(lifetime ?? TimeSpan.FromSeconds(60));
        _loop = Task.Run(() => AcceptAsync(_stop.Token));
    }

    public Uri BaseAddress { get; }

    public IReadOnlyList<ServerRequest> Requests => [.. _requests];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // The loop is abandoned; its sockets close with the process.
        }
        _stop.Dispose();
    }

    /// <summary>A port on 127.0.0.1 nothing listens on (connections are refused).</summary>
    public static int UnusedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        var connections = new List<Task>();
        try
        {
            for (var index = 0; index < _maxRequests; index++)
            {
                var client = await _listener.AcceptTcpClientAsync(cancellationToken);
                var current = index;
                connections.Add(Task.Run(() => ServeAsync(client, current, cancellationToken), CancellationToken.None));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopped.
        }
        finally
        {
            _listener.Stop();
        }
        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(TcpClient client, int index, CancellationToken cancellationToken)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream, index, cancellationToken);
                if (request is null) return;
                _requests.Enqueue(request);
                var reply = _handler(request);
                var head = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"HTTP/1.1 {reply.Status} {reply.Reason}\r\nConnection: close\r\n"));
                if (!reply.OmitContentLength) head.Append(CultureInfo.InvariantCulture, $"Content-Length: {reply.Body.Length}\r\n");
                foreach (var (name, value) in reply.Headers) head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
                head.Append("\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);
                var limit = Math.Min(reply.Body.Length, reply.CloseAfter ?? int.MaxValue);
                for (var sent = 0; sent < limit;)
                {
                    var count = Math.Min(reply.ChunkSize, limit - sent);
                    await stream.WriteAsync(reply.Body.AsMemory(sent, count), cancellationToken);
                    sent += count;
                    if (reply.ChunkDelay > TimeSpan.Zero && sent < limit) await Task.Delay(reply.ChunkDelay, cancellationToken);
                }
                await stream.FlushAsync(cancellationToken);
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or the server is stopping.
            }
        }
    }

    private static async Task<ServerRequest?> ReadRequestAsync(NetworkStream stream, int index, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (true)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0) return null;
            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var lines = text[..end].Split("\r\n");
                var parts = lines[0].Split(' ');
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var line in lines.Skip(1))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
                return new ServerRequest(index, parts[0], parts.Length > 1 ? parts[1] : "/", headers);
            }
            if (length == buffer.Length) return null;
        }
    }
}
