using Orleans;
namespace WeGoAssembly.Contracts.Assemblies;

/// <summary>When quorum is met: present voting members against a fraction of the eligible ones.</summary>
[GenerateSerializer, Alias("wego.QuorumRule")]
public sealed record QuorumRule(int Numerator, int Denominator, bool StrictlyMore)
{
    /// <summary>The default: more than half of the voting-eligible members.</summary>
    public static QuorumRule MoreThanHalf { get; } = new(1, 2, StrictlyMore: true);
}

/// <summary>The rules an assembly runs under; every threshold is the secretariat's to set.</summary>
[GenerateSerializer, Alias("wego.AssemblyRules")]
public sealed record AssemblyRules(QuorumRule Quorum, bool ProxiesAllowed, int MaxProxiesPerHolder, bool ProxiesCountForQuorum)
{
    /// <summary>Defaults: more than half for quorum, proxies off (one per holder when turned on).</summary>
    public static AssemblyRules Default { get; } = new(QuorumRule.MoreThanHalf, ProxiesAllowed: false, MaxProxiesPerHolder: 1, ProxiesCountForQuorum: false);
}

/// <summary>An assembly's title, venue and dates, replaced together.</summary>
[GenerateSerializer, Alias("wego.AssemblyDetails")]
public sealed record AssemblyDetails(string Title, string Venue, DateOnly? StartsOn, DateOnly? EndsOn);

/// <summary>What an update of an assembly replaces: year, zone and rules always, the details when given (null keeps them).</summary>
[GenerateSerializer, Alias("wego.AssemblyUpdate")]
public sealed record AssemblyUpdate(int Year, string TimeZone, AssemblyRules Rules, AssemblyDetails? Details);

/// <summary>A General Assembly of WeGO.</summary>
[GenerateSerializer, Alias("wego.Assembly")]
public sealed record Assembly(
    string Id,
    string Title,
    string Venue,
    int Year,
    string TimeZone,
    DateOnly? StartsOn,
    DateOnly? EndsOn,
    AssemblyRules Rules,
    bool Sample,
    DateTimeOffset CreatedAt);
