using Orleans;
namespace WeGoAssembly.Contracts.Voting;

/// <summary>
/// One vote as the ledger stores it. For a secret ballot, <see cref="StoredChoice"/> is null: the choice
/// travels only in <see cref="TallyKeys"/>, which the ledger adds to per-choice counters in the same
/// transaction, so no row ever links the member to it.
/// </summary>
/// <param name="TallyKeys">Counter keys this vote adds one to: "yes", "no", "abstain", "candidate:&lt;id&gt;" or "blank".</param>
[GenerateSerializer, Alias("wego.LedgerVote")]
public sealed record LedgerVote(
    string BallotId, string MemberCityId, string IdempotencyKey, string ReceiptId, string CastBy, string? StoredChoice, IReadOnlyList<string> TallyKeys);

/// <summary>A stored voter row, as read back on activation.</summary>
[GenerateSerializer, Alias("wego.LedgerVoter")]
public sealed record LedgerVoter(string MemberCityId, string IdempotencyKey, string ReceiptId, string CastBy, string? StoredChoice);

/// <summary>Everything stored of one ballot's votes.</summary>
[GenerateSerializer, Alias("wego.LedgerContents")]
public sealed record LedgerContents(IReadOnlyList<LedgerVoter> Voters, IReadOnlyDictionary<string, int> Tally);

/// <summary>
/// The durable record of votes, written with group commit: every vote queued while one transaction
/// commits goes into the next one, and each vote's task completes when its transaction has committed.
/// </summary>
public interface IBallotLedger
{
    /// <summary>Queues a vote; the task completes once it is committed, or fails (with the whole batch) when the commit fails.</summary>
    Task AppendAsync(LedgerVote vote);

    /// <summary>Completes when every vote queued before this call is committed or failed.</summary>
    Task FlushAsync();

    /// <summary>Reads a ballot's voters and counters (call after <see cref="FlushAsync"/>).</summary>
    Task<LedgerContents> ReadAsync(string ballotId);

    /// <summary>
    /// Seals the ballot (no vote of it is stored after this, by any node; a vote batch in flight commits first) and
    /// reads what the ledger holds: the count of a closing ballot.
    /// </summary>
    Task<LedgerContents> SealAsync(string ballotId);
}
