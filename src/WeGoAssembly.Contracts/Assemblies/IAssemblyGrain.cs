using Orleans;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Contracts.Assemblies;

/// <summary>One General Assembly, keyed by its id (for example "ga-2023").</summary>
[Alias("wego.IAssemblyGrain")]
public interface IAssemblyGrain : IAuditedGrain, Voting.IWatchable
{
    /// <summary>The assembly, or null when none was created under this key.</summary>
    Task<Assembly?> GetAsync();

    /// <summary>Creates the assembly; refused when it exists already.</summary>
    Task<Assembly> CreateAsync(Assembly assembly, string actor);

    /// <summary>Replaces the year, time zone and rules, and the title, venue and dates when the update carries them.</summary>
    Task<Assembly> UpdateAsync(AssemblyUpdate update, string actor);

    /// <summary>
    /// Sets which of a member city's voting people are in the hall, as its delegation grain reports after
    /// each door scan; idempotent, so a report that is repeated (or retried after a failure) heals the count.
    /// </summary>
    Task ReportVoterPresenceAsync(string memberCityId, VoterPresence presence);

    /// <summary>The live quorum: voting-eligible members present (and represented by proxy, if the rules count proxies).</summary>
    Task<QuorumCount> GetQuorumAsync();

    /// <summary>Who may vote right now: eligible members, presence, proxies in force, each city's vote right and the quorum.</summary>
    Task<VotingRoll> GetVotingRollAsync();

    /// <summary>Whether <paramref name="memberCityId"/>'s vote can be cast right now, and by whom.</summary>
    Task<VoteRight> GetVoteRightAsync(string memberCityId);

    /// <summary>Records a written proxy from grantor to holder; refused when the rules, limits or chains forbid it.</summary>
    Task<Proxy> RecordProxyAsync(string grantorMemberCityId, string holderMemberCityId, string reference, string actor);

    /// <summary>Ends a proxy in force; FAILED_PRECONDITION when it is already revoked.</summary>
    Task<Proxy> RevokeProxyAsync(string proxyId, string reason, string actor);

    /// <summary>The proxies of this assembly in recording order; only those in force unless <paramref name="includeRevoked"/>.</summary>
    Task<IReadOnlyList<Proxy>> GetProxiesAsync(bool includeRevoked);

    /// <summary>Hands out the next badge number of this assembly (for example "GA23-0042"); never the same twice.</summary>
    Task<string> AllocateBadgeNumberAsync(string actor);
}
