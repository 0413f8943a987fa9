using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Runtime;

namespace WeGoAssembly.Contracts.Voting;

/// <summary>Motion or election; numbers equal the proto BallotKind values.</summary>
public enum BallotKind { Motion = 1, Election = 2 }

/// <summary>Secret or roll-call; numbers equal the proto BallotMethod values.</summary>
public enum BallotMethod { Secret = 1, RollCall = 2 }

/// <summary>Where a ballot stands; numbers equal the proto BallotStatus values.</summary>
public enum BallotStatus { Draft = 1, Open = 2, Closed = 3 }

/// <summary>A person or member standing in an election.</summary>
public sealed record Candidate(string Id, string NameEn, string NameKo, string MemberCityId);

/// <summary>A ballot on an agenda item, as the secretariat defines it and the grain keeps it.</summary>
public sealed record Ballot(
    string Id,
    string AssemblyId,
    string AgendaItemId,
    string QuestionEn,
    string QuestionKo,
    BallotKind Kind,
    int Seats,
    MajorityRule? MajorityRule,
    BallotMethod Method,
    IReadOnlyList<Candidate> Candidates,
    DateTimeOffset? Deadline,
    BallotStatus Status,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? ClosedAt,
    string RunoffOfBallotId);

/// <summary>One member's vote as the caller sends it: a motion choice, or the candidates marked (empty is blank).</summary>
public sealed record VoteChoice(MotionChoice? Motion, IReadOnlyList<string> Candidates);

/// <summary>
/// Who is casting: the signed-in participant, their city and their role in the delegation. Whether they are
/// in the hall is the assembly's presence (one voting delegate and one alternate per city), which the ballot checks.
/// </summary>
public sealed record Voter(string Actor, string ParticipantId, string AssemblyId, string MemberCityId, ParticipantRole Role);

/// <summary>Proof that a member's vote was counted; never carries the choice. CastAt is unknown for a receipt replayed after a restart.</summary>
public sealed record VoteReceipt(string ReceiptId, string BallotId, string MemberCityId, DateTimeOffset? CastAt, bool Replayed);

/// <summary>
/// What CastVote hands back: the receipt at once, and <see cref="Durable"/>, which completes when the vote
/// is committed to the ledger (or fails when its commit failed and nothing was stored). The caller must
/// await Durable before acknowledging the vote; it does so outside the grain's turn, so the next vote's
/// turn runs while this one's commit is in flight.
/// </summary>
public sealed record CastVoteTicket(VoteReceipt Receipt, Task Durable);

/// <summary>Votes for one choice: a motion choice or a candidate id.</summary>
public sealed record ChoiceCount(MotionChoice? Motion, string? CandidateId, int Votes);

/// <summary>One member's standing on a closed ballot; choices only on roll-call ballots.</summary>
public sealed record MemberBallotRecord(
    string MemberCityId, bool Entitled, bool Present, bool Voted, string CastByMemberCityId, MotionChoice? Motion, IReadOnlyList<string> Candidates);

/// <summary>The count of a closed ballot, with the quorum and the member snapshot recorded at close.</summary>
public sealed record BallotResult(
    string BallotId,
    BallotOutcome Outcome,
    int VotesCast,
    IReadOnlyList<ChoiceCount> Counts,
    int BlankBallots,
    int MajorityBase,
    int VotesNeeded,
    IReadOnlyList<string> Elected,
    IReadOnlyList<string> Runoff,
    IReadOnlyList<string> TiedForChair,
    QuorumCount Quorum,
    IReadOnlyList<MemberBallotRecord> Members);

/// <summary>A ballot's running count: votes durably cast, members entitled, counts (empty for a secret ballot until closed).</summary>
public sealed record BallotTally(int VotesCast, int Entitled, IReadOnlyList<ChoiceCount> Counts, DateTimeOffset AsOf);

/// <summary>A ballot with its running tally and, once closed, its result.</summary>
public sealed record BallotView(Ballot Ballot, BallotTally Tally, BallotResult? Result);

/// <summary>
/// One ballot, keyed by its id "{assemblyId}.ballot-{n}". Its definition and status are grain state; the
/// votes live in the ballot ledger (group-committed), and are reloaded from it on activation.
/// </summary>
public interface IBallotGrain : IGrainWithStringKey
{
    Task<Ballot> CreateAsync(Ballot ballot, string actor);

    /// <summary>Opens the ballot; FAILED_PRECONDITION below quorum (with present, eligible, required).</summary>
    Task<(Ballot Ballot, QuorumCount Quorum)> OpenAsync(DateTimeOffset? deadline, string actor);

    /// <summary>Validates and records a vote in memory and queues it for the ledger; see <see cref="CastVoteTicket"/>.</summary>
    Task<CastVoteTicket> CastVoteAsync(Voter voter, string memberCityId, VoteChoice choice, string idempotencyKey);

    Task<(Ballot Ballot, BallotResult Result)> CloseAsync(string actor);

    /// <summary>The ballot and its running tally; the result too once closed.</summary>
    Task<BallotView> GetAsync();
}

/// <summary>The vote ledger could not store a vote; nothing of it counts and the client may retry (UNAVAILABLE).</summary>
public sealed class LedgerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
