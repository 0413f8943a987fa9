using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace WeGoAssembly.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster for one test assembly: initdb + pg_ctl from the machine's
/// PostgreSQL server package, in a temporary directory, listening on a free port of 127.0.0.1 with
/// fsync on. Share it through <see cref="PostgresCollection"/>; each test takes its own database
/// from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime, IAsyncDisposable
{
    private const string Superuser = "postgres";
    private string? directory;
    private string? binDirectory;
    private int databaseCount;
    private bool running;

    /// <summary>The TCP port the cluster listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Connection string of the cluster's maintenance database.</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    public async Task InitializeAsync()
    {
        binDirectory = FindBinDirectory();
        directory = Directory.CreateTempSubdirectory("wego-pg-").FullName;
        var data = Path.Combine(directory, "data");
        // initdb and postgres refuse to run as root: run them as the postgres user, owner of the directory.
        if (Environment.IsPrivilegedProcess)
            await RunAsync("chown", ["-R", $"{Superuser}:{Superuser}", directory]);

        var log = Path.Combine(directory, "server.log");
        try
        {
            // --no-sync only skips flushing initdb's own files; the server runs with fsync on.
            await RunPostgresToolAsync("initdb", ["-D", data, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);
            Port = FreePort();
            await StartAsync();
        }
        catch (Exception exception)
        {
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no server log)";
            Directory.Delete(directory, recursive: true);
            directory = null;
            throw new InvalidOperationException($"The test PostgreSQL cluster did not start. Server log:\n{serverLog}", exception);
        }
    }

    /// <summary>
    /// Stops the server (pg_ctl stop, fast mode: open connections are cut, as when the database server goes down);
    /// the data stays. <see cref="StartAsync"/> brings it back on the same port.
    /// </summary>
    public async Task StopAsync()
    {
        await RunPostgresToolAsync("pg_ctl", ["stop", "-D", Path.Combine(directory!, "data"), "-m", "fast", "-w", "-t", "60"]);
        running = false;
    }

    /// <summary>Starts the server on <see cref="Port"/>; returns once it accepts connections.</summary>
    public async Task StartAsync()
    {
        var options = $"-p {Port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300";
        await RunPostgresToolAsync("pg_ctl",
            ["start", "-D", Path.Combine(directory!, "data"), "-w", "-t", "60", "-l", Path.Combine(directory!, "server.log"), "-o", options]);
        running = true;
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Interlocked.Increment(ref databaseCount)}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public async Task DisposeAsync()
    {
        if (directory is null)
            return;
        NpgsqlConnection.ClearAllPools();
        if (running)
            await RunPostgresToolAsync("pg_ctl", ["stop", "-D", Path.Combine(directory, "data"), "-m", "immediate", "-w"]);
        Directory.Delete(directory, recursive: true);
        directory = null;
    }

    private string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Database = database,
    }.ToString();

    private Task RunPostgresToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(binDirectory!, tool);
        return Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", Superuser, "--", path, .. arguments])
            : RunAsync(path, arguments);
    }

    private static string FindBinDirectory()
    {
        // Debian installs each major version side by side; take the newest.
        IEnumerable<string> candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0)
                .Select(d => Path.Combine(d, "bin"))
            : [];
        return candidates.Prepend(Environment.GetEnvironmentVariable("PG_BINDIR") ?? "")
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or $PG_BINDIR; " +
                "install them with `apt-get install postgresql`.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
    }
}

/// <summary>
/// The name of the xunit collection that shares one <see cref="PostgresCluster"/>. xunit only finds
/// collection definitions in the test assembly itself, so each test project declares:
/// <code>
/// [CollectionDefinition(PostgresCollection.Name)]
/// public sealed class PostgresCollection : ICollectionFixture&lt;PostgresCluster&gt;;
/// </code>
/// and marks its PostgreSQL test classes <c>[Collection(PostgresCollection.Name)]</c>, taking the
/// cluster as a constructor parameter.
/// </summary>
public static class PostgresCollection
{
    public const string Name = "Postgres";
}
