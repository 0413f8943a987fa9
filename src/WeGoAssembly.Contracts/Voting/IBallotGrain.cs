using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using Orleans;
using WeGoAssembly.Contracts.Records;
using Orleans.Concurrency;

namespace WeGoAssembly.Contracts.Voting;

/// <summary>
/// One ballot, keyed by its id "{assemblyId}.ballot-{n}". Its definition and status are grain state; the
/// votes live in the ballot ledger (group-committed), and are reloaded from it on activation.
/// </summary>
[Alias("wego.IBallotGrain")]
public interface IBallotGrain : IHasDeadlines, IAuditedGrain, IWatchable
{
    Task<Ballot> CreateAsync(Ballot ballot, string actor);

    /// <summary>Opens the ballot; FAILED_PRECONDITION below quorum (with present, eligible, required).</summary>
    Task<(Ballot Ballot, QuorumCount Quorum)> OpenAsync(DateTimeOffset? deadline, string actor);

    /// <summary>
    /// Validates a vote, counts it in memory and answers once its ledger row is committed (UNAVAILABLE when that
    /// commit failed: nothing of it counts). Interleaved: the check and the mark run in one turn with no await
    /// between them, and the votes that wait for their commit meanwhile share it (group commit).
    /// </summary>
    [AlwaysInterleave]
    Task<VoteReceipt> CastVoteAsync(Voter voter, string memberCityId, VoteChoice choice, string idempotencyKey);

    Task<(Ballot Ballot, BallotResult Result)> CloseAsync(string actor);

    /// <summary>The ballot and its running tally; the result too once closed.</summary>
    Task<BallotView> GetAsync();
}
