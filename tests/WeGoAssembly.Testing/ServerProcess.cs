using WeGoAssembly.Testing;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace WeGoAssembly.Testing;

/// <summary>
/// The real server (src/WeGoAssembly.Server, its built dll under <c>dotnet</c>) as a child process on free
/// loopback ports, configured only through WEGO__ environment variables, so that a test can SIGKILL it
/// (<see cref="Kill"/>) and start it again on the same database and ports (<see cref="RestartAsync"/>).
/// Its output is kept for failure messages (<see cref="Output"/>); disposing kills it, so no test leaks one.
/// Settings use configuration keys ("Storage:SqlitePath", "ConnectionStrings:Postgres", "Seed:SampleData", ...);
/// they override the defaults: sample data off, first administrator <see cref="AdminUserName"/> /
/// <see cref="AdminPassword"/>, the per-address sign-in limit raised (every test call comes from 127.0.0.1).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public const string AdminUserName = "admin", AdminPassword = "correct horse battery staple";

    /// <summary>How long a start may take before it fails: generous, the machine is shared.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private const int KeptOutputLines = 300;
    private static readonly string ServerDll = typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "WeGoAssembly.Server.dll").Value!;

    private readonly Dictionary<string, string?> settings;
    private readonly string dll, workingDirectory;
    private readonly HttpClient web;
    private readonly Queue<string> output = new();
    private Process? process;

    private ServerProcess(Dictionary<string, string?> settings, int grpcPort, int webPort, string dll, string workingDirectory)
    {
        this.settings = settings;
        (this.dll, this.workingDirectory) = (dll, workingDirectory);
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        WebAddress = new Uri($"http://127.0.0.1:{webPort}");
        web = new HttpClient { BaseAddress = WebAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The h2c gRPC endpoint, for <c>new HttpClient { BaseAddress = GrpcAddress }</c> and GrpcClient.</summary>
    public Uri GrpcAddress { get; }

    /// <summary>The web endpoint (page, /healthz, gRPC-Web).</summary>
    public Uri WebAddress { get; }

    /// <summary>True while the current process runs.</summary>
    public bool IsRunning => process is { HasExited: false };

    /// <summary>The last lines the server wrote to stdout and stderr, across restarts, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
                return string.Join('\n', output);
        }
    }

    /// <summary>
    /// Starts the server with <paramref name="settings"/> (a null value leaves that setting to appsettings.json) and
    /// returns once /healthz answers healthy. By default the built dll runs in its own folder; <paramref name="serverDll"/>
    /// and <paramref name="workingDirectory"/> start another build (a published one) from another folder.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string? serverDll = null, string? workingDirectory = null)
    {
        var (grpcPort, webPort) = (FreePort(), FreePort());
        var all = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Web:Url"] = $"http://127.0.0.1:{webPort}",
            ["Kestrel:Endpoints:Web:Protocols"] = "Http1",
            ["Logging:LogLevel:Default"] = "Warning",
            // Its own silo port, kept across restarts, as a node has in production.
            ["Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Seed:SampleData"] = "false",
            ["Auth:InitialAdmin:UserName"] = AdminUserName,
            ["Auth:InitialAdmin:Password"] = AdminPassword,
            ["Auth:SignIn:MaxFailuresPerAddress"] = "10000",
        };
        foreach (var (key, value) in settings)
            all[key] = value;
        // Addresses from the final settings: a test may choose the ports itself.
        var server = new ServerProcess(all, new Uri(all["Kestrel:Endpoints:Grpc:Url"]!).Port, new Uri(all["Kestrel:Endpoints:Web:Url"]!).Port,
            serverDll ?? ServerDll, workingDirectory ?? Path.GetDirectoryName(serverDll ?? ServerDll)!);
        try
        {
            await server.RestartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts the server again on the same settings and ports (killing the current process if it still runs)
    /// and returns once /healthz answers healthy.
    /// </summary>
    public async Task RestartAsync()
    {
        Kill();
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [dll])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var inherited in startInfo.Environment.Keys.Where(k => k.StartsWith("WEGO__", StringComparison.OrdinalIgnoreCase)).ToList())
            startInfo.Environment.Remove(inherited);
        foreach (var (key, value) in settings.Where(s => s.Value is not null))
            startInfo.Environment["WEGO__" + key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var started = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        started.OutputDataReceived += (_, e) => Keep(e.Data);
        started.ErrorDataReceived += (_, e) => Keep(e.Data);
        started.Exited += (_, _) => Keep($"(ServerProcess: process {started.Id} exited with code {started.ExitCode})");
        if (!File.Exists(dll))
            throw new InvalidOperationException($"The server is not built: {dll} is missing; build tests/WeGoAssembly.Testing, which builds it.");
        started.Start();
        process = started;
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        await WaitHealthyAsync(StartTimeout);
    }

    /// <summary>Waits until /healthz answers 200; fails at once if the process exits, with its output.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!await IsHealthyAsync())
        {
            if (!IsRunning)
                throw new InvalidOperationException($"The server exited with code {process?.ExitCode} before /healthz answered. Output:\n{Output}");
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"/healthz did not answer healthy within {timeout.TotalSeconds:F0} s. Output:\n{Output}");
            // A child process gives no readiness signal other than its endpoint; poll it.
            await Task.Delay(100);
        }
        if (!IsRunning)
            throw new InvalidOperationException($"The server exited with code {process?.ExitCode}, yet {WebAddress} answered: another process has its port. Output:\n{Output}");
    }

    /// <summary>True when /healthz answers 200 (the server is up and its database answers).</summary>
    public async Task<bool> IsHealthyAsync() => (await HealthAsync())?.Status == HttpStatusCode.OK;

    /// <summary>/healthz's status code and body, or null when nothing answers.</summary>
    public async Task<(HttpStatusCode Status, string Body)?> HealthAsync()
    {
        try
        {
            using var response = await web.GetAsync("/healthz");
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL: the process dies at once, with no shutdown code run; returns once it is gone.</summary>
    public void Kill()
    {
        if (process is null)
            return;
        if (!process.HasExited)
            process.Kill();
        process.WaitForExit();
        process.Dispose();
        process = null;
    }

    /// <summary>SIGSTOP: the process freezes (its sockets stay open, nothing of it runs) until <see cref="ResumeAsync"/>, as in a long GC pause or a hung VM.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT: a paused process runs on.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    /// <summary>SIGTERM, the graceful shutdown; SIGKILL if it has not exited within <paramref name="timeout"/>. Returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (process is null)
            throw new InvalidOperationException("The server is not running.");
        if (!process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var wait = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                Keep($"(ServerProcess: no exit within {timeout.TotalSeconds:F0} s of SIGTERM; killed)");
            }
        }
        var exitCode = process.HasExited ? process.ExitCode : -1;
        Kill();
        return exitCode;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        web.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task SignalAsync(string signal)
    {
        if (process is null)
            throw new InvalidOperationException("The server is not running.");
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (output)
        {
            output.Enqueue(line);
            if (output.Count > KeptOutputLines)
                output.Dequeue();
        }
    }

    // A free port below Linux's ephemeral range (32768-60999): no port the OS hands out on its own (a bind to
    // port 0, the local end of an outgoing connection) can take it while the server is down between a kill and
    // a restart on the same ports.
    public static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, Random.Shared.Next(20_000, 32_768));
            try
            {
                listener.Start();
                return ((IPEndPoint)listener.LocalEndpoint).Port;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                // Taken; draw another.
            }
        }
    }
}
