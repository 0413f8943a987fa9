namespace WeGoAssembly.Server.Hosting;

/// <summary>
/// Settings of the node lease that makes one of two nodes on a PostgreSQL database the active one
/// (section Lease of appsettings.json, or WEGO__Lease__*). Unused on SQLite.
/// </summary>
public sealed record LeaseOptions
{
    /// <summary>This node's name in the lease; two nodes on one machine need different ones. A node restarted under the same name takes its lease back at once.</summary>
    public string NodeId { get; init; } = Environment.MachineName;

    /// <summary>How long the lease lasts without renewal: a standby takes over at most this long (plus one poll) after the active node died.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the active node renews the lease and a standby asks for it.</summary>
    public TimeSpan RenewEvery { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads and checks the settings; a bad value stops start-up with a message an operator can act on.</summary>
    public static LeaseOptions From(IConfiguration config)
    {
        var defaults = new LeaseOptions();
        var section = config.GetSection("Lease");
        var options = new LeaseOptions
        {
            NodeId = section.GetValue(nameof(NodeId), defaults.NodeId)!.Trim(),
            Ttl = section.GetValue(nameof(Ttl), defaults.Ttl),
            RenewEvery = section.GetValue(nameof(RenewEvery), defaults.RenewEvery),
        };
        var failures = new List<string>();
        if (options.NodeId.Length is 0 or > 200)
            failures.Add("Lease:NodeId must be 1 to 200 characters, such as the host name.");
        if (options.RenewEvery < TimeSpan.FromMilliseconds(100) || options.RenewEvery > TimeSpan.FromMinutes(1))
            failures.Add($"Lease:RenewEvery {options.RenewEvery} must be from 00:00:00.1 to 00:01:00.");
        // Two renewals fit in a lease, so that one slow or failed renewal does not let it lapse.
        if (options.Ttl < 2 * options.RenewEvery || options.Ttl > TimeSpan.FromMinutes(10))
            failures.Add($"Lease:Ttl {options.Ttl} must be at least twice Lease:RenewEvery ({options.RenewEvery}) and at most 00:10:00.");
        return failures.Count == 0 ? options : throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", failures));
    }
}
