using Orleans;
using Orleans.Concurrency;
using System.Text.Json.Serialization;
using WeGoAssembly.Contracts.Accreditation;

namespace WeGoAssembly.Contracts.Assemblies;

/// <summary>Which of a member city's voting people are in the hall, as its delegation last reported.</summary>
[GenerateSerializer, Alias("wego.VoterPresence")]
public sealed record VoterPresence(bool VotingDelegatePresent, bool AlternatePresent)
{
    public static VoterPresence Absent { get; } = new(false, false);

    /// <summary>The city counts as present when its voting delegate, or its alternate, is in the hall.</summary>
    [JsonIgnore]
    public bool Present => VotingDelegatePresent || AlternatePresent;
}

/// <summary>
/// A written proxy: the grantor member gives its vote at one assembly to the holder member. Id is
/// "{assemblyId}.proxy-{n}", so the id alone leads to the assembly.
/// </summary>
[GenerateSerializer, Alias("wego.Proxy")]
public sealed record Proxy(
    string Id,
    string AssemblyId,
    string GrantorMemberCityId,
    string HolderMemberCityId,
    string Reference,
    DateTimeOffset RecordedAt,
    DateTimeOffset? RevokedAt)
{
    [JsonIgnore]
    public bool InForce => RevokedAt is null;
}

/// <summary>An assembly's quorum at one moment.</summary>
[GenerateSerializer, Alias("wego.QuorumCount")]
public sealed record QuorumCount(
    string AssemblyId,
    int Present,
    int RepresentedByProxy,
    int Eligible,
    int Required,
    bool Met,
    QuorumRule Rule,
    DateTimeOffset AsOf);

/// <summary>Whether a member city's vote can be cast right now, and by whom.</summary>
/// <param name="MayVote">True when someone in the hall may cast the city's vote.</param>
/// <param name="CastByMemberCityId">The city whose person casts it: the city itself, or the holder of its proxy.</param>
/// <param name="CastByRole">Voting delegate or alternate of that city.</param>
/// <param name="ThroughProxy">True when the holder of the city's proxy casts it.</param>
/// <param name="Reason">Why, in words the secretariat can show.</param>
[GenerateSerializer, Alias("wego.VoteRight")]
public sealed record VoteRight(bool MayVote, string? CastByMemberCityId, ParticipantRole? CastByRole, bool ThroughProxy, string Reason);

/// <summary>
/// Everything a ballot needs about who may vote at one moment: the voting-eligible members, which are
/// present and through whom, the proxies in force and the quorum they make.
/// </summary>
[GenerateSerializer, Immutable, Alias("wego.VotingRoll")]
public sealed record VotingRoll(
    string AssemblyId,
    IReadOnlyList<string> EligibleMemberCityIds,
    IReadOnlyDictionary<string, VoterPresence> Presence,
    IReadOnlyList<Proxy> ProxiesInForce,
    IReadOnlyDictionary<string, VoteRight> VoteRights,
    QuorumCount Quorum);
