using System.Net;

namespace WeGoAssembly.Server.Hosting;

/// <summary>
/// The host's settings, read from appsettings.json and WEGO__-prefixed environment variables
/// (WEGO__Storage__SqlitePath, WEGO__ConnectionStrings__Postgres, WEGO__Kestrel__Endpoints__Grpc__Url, ...).
/// </summary>
public sealed record WeGoOptions
{
    /// <summary>PostgreSQL connection string; when set, PostgreSQL is the store instead of SQLite.</summary>
    public string PostgresConnectionString { get; init; } = "";

    /// <summary>SQLite database file, used when no PostgreSQL connection string is given.</summary>
    public string SqlitePath { get; init; } = "data/wego.db";

    /// <summary>Seed the sample 2023 assembly and its member cities when the database has none.</summary>
    public bool SeedSampleData { get; init; } = true;

    /// <summary>Largest gRPC request message accepted, in bytes (RESOURCE_EXHAUSTED above it); 6 MiB lets a 5 MiB credentials letter through.</summary>
    public int MaxReceiveMessageSize { get; init; } = 6 * 1024 * 1024;

    /// <summary>Grains unused this long are deactivated to free memory.</summary>
    public TimeSpan GrainIdleTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The reverse proxies (nginx) whose X-Forwarded-For and X-Forwarded-Proto are believed: the caller's address for the
    /// sign-in limit, and the scheme for redirects and cookies. Anyone else's are ignored. Loopback by default;
    /// Proxy:KnownProxies lists others, separated by commas.
    /// </summary>
    public IReadOnlyList<IPAddress> KnownProxies { get; init; } = [IPAddress.Loopback, IPAddress.IPv6Loopback];

    /// <summary>Reads and checks the settings; a bad value stops start-up with a message an operator can act on.</summary>
    public static WeGoOptions From(IConfiguration config)
    {
        var defaults = new WeGoOptions();
        var options = new WeGoOptions
        {
            PostgresConnectionString = config.GetConnectionString("Postgres") ?? "",
            SqlitePath = config.GetValue("Storage:SqlitePath", defaults.SqlitePath)!,
            SeedSampleData = config.GetValue("Seed:SampleData", defaults.SeedSampleData),
            MaxReceiveMessageSize = config.GetValue("Grpc:MaxReceiveMessageSize", defaults.MaxReceiveMessageSize),
            GrainIdleTimeout = config.GetValue("Grains:IdleTimeout", defaults.GrainIdleTimeout),
        };
        var failures = new List<string>();
        if (config["Proxy:KnownProxies"] is { Length: > 0 } proxies)
        {
            var known = new List<IPAddress>();
            foreach (var proxy in proxies.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (IPAddress.TryParse(proxy, out var address))
                    known.Add(address);
                else
                    failures.Add($"Proxy:KnownProxies has \"{proxy}\", which is not an IP address; give nginx's address as the nodes see it, such as 10.0.0.10.");
            }
            options = options with { KnownProxies = known };
        }
        if (options.PostgresConnectionString.Length == 0 && string.IsNullOrWhiteSpace(options.SqlitePath))
            failures.Add("Storage:SqlitePath is empty; give a file path such as data/wego.db, or set ConnectionStrings:Postgres.");
        if (options.MaxReceiveMessageSize is < 1024 or > 64 * 1024 * 1024)
            failures.Add($"Grpc:MaxReceiveMessageSize {options.MaxReceiveMessageSize} must be from 1024 to 67108864 bytes.");
        if (options.GrainIdleTimeout < TimeSpan.FromMinutes(1))
            failures.Add($"Grains:IdleTimeout {options.GrainIdleTimeout} must be at least a minute (Orleans collects idle grains once a minute), such as 00:15:00.");
        return failures.Count == 0 ? options : throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", failures));
    }
}
