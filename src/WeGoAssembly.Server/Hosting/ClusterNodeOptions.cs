using System.Net;
using Orleans.Configuration;

namespace WeGoAssembly.Server.Hosting;

/// <summary>
/// This node's place in the cluster (section Cluster of appsettings.json, or WEGO__Cluster__*). On PostgreSQL every
/// node on the database with the same <see cref="ClusterId"/> joins one Orleans cluster; on SQLite the node is alone.
/// </summary>
public sealed record ClusterNodeOptions
{
    /// <summary>
    /// The port other nodes reach this node's silo on (silo-to-silo traffic, never public): 11111 on PostgreSQL, where a
    /// node restarted on its port retires its own earlier row at once; 0, the default on SQLite, picks a free one at start.
    /// </summary>
    public int SiloPort { get; init; }

    /// <summary>The address other nodes reach this node's silo at: its private address when the nodes run on several machines.</summary>
    public IPAddress AdvertisedAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Nodes with the same id form one cluster.</summary>
    public string ClusterId { get; init; } = OrleansSilo.ServiceId;

    /// <summary>
    /// How long a node waits for another's answer to a liveness probe. With <see cref="MissedProbesLimit"/> it sets how
    /// soon a dead node is noticed — and how long a node may freeze (a long pause, an overloaded host) before the others
    /// declare it dead and it must restart: the trade-off between a quick takeover and a false suspicion.
    /// </summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Probes missed in a row before a node suspects another; two suspicions (or one in a cluster of two) declare it dead.</summary>
    public int MissedProbesLimit { get; init; } = 2;

    /// <summary>
    /// How often a node writes "I am alive" in the membership table. A row not updated for twice this long is a dead
    /// node's leftover, which a starting node retires rather than wait to reach it (<see cref="ClusterLeftovers"/>).
    /// </summary>
    public TimeSpan AliveEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>After this long without a fresh row, a node's row is stale (Orleans' own rule: two missed updates).</summary>
    public TimeSpan StaleAfter => 2 * AliveEvery;

    /// <summary>Orleans' membership settings from these.</summary>
    public void ConfigureMembership(ClusterMembershipOptions membership)
    {
        membership.ProbeTimeout = ProbeTimeout;
        membership.NumMissedProbesLimit = MissedProbesLimit;
        membership.IAmAliveTablePublishTimeout = AliveEvery;
        membership.NumMissedTableIAmAliveLimit = 2;
    }

    /// <summary>Reads and checks the settings; a bad value stops start-up with a message an operator can act on.</summary>
    public static ClusterNodeOptions From(IConfiguration config, bool postgres)
    {
        var defaults = new ClusterNodeOptions();
        var section = config.GetSection("Cluster");
        var failures = new List<string>();
        var address = section["AdvertisedAddress"];
        IPAddress? advertised = null;
        if (address is { Length: > 0 } && !IPAddress.TryParse(address, out advertised))
            failures.Add($"Cluster:AdvertisedAddress \"{address}\" is not an IP address; give the address other nodes reach this one at, such as 10.0.0.11.");
        var options = new ClusterNodeOptions
        {
            SiloPort = section.GetValue<int?>(nameof(SiloPort)) ?? (postgres ? 11111 : 0),
            AdvertisedAddress = advertised ?? defaults.AdvertisedAddress,
            ClusterId = section.GetValue(nameof(ClusterId), defaults.ClusterId)!.Trim(),
            ProbeTimeout = section.GetValue(nameof(ProbeTimeout), defaults.ProbeTimeout),
            MissedProbesLimit = section.GetValue(nameof(MissedProbesLimit), defaults.MissedProbesLimit),
            AliveEvery = section.GetValue(nameof(AliveEvery), defaults.AliveEvery),
        };
        if (options.SiloPort is < 0 or > 65535)
            failures.Add($"Cluster:SiloPort {options.SiloPort} must be from 0 (pick a free port) to 65535.");
        if (options.ClusterId.Length is 0 or > 100)
            failures.Add("Cluster:ClusterId must be 1 to 100 characters.");
        if (options.ProbeTimeout < TimeSpan.FromMilliseconds(200) || options.ProbeTimeout > TimeSpan.FromMinutes(1))
            failures.Add($"Cluster:ProbeTimeout {options.ProbeTimeout} must be from 00:00:00.2 to 00:01:00.");
        if (options.MissedProbesLimit is < 1 or > 10)
            failures.Add($"Cluster:MissedProbesLimit {options.MissedProbesLimit} must be from 1 to 10.");
        if (options.AliveEvery < TimeSpan.FromSeconds(1) || options.AliveEvery > TimeSpan.FromMinutes(5))
            failures.Add($"Cluster:AliveEvery {options.AliveEvery} must be from 00:00:01 to 00:05:00.");
        return failures.Count == 0 ? options : throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", failures));
    }
}
