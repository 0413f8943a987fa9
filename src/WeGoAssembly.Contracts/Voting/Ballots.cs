using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using Orleans;

namespace WeGoAssembly.Contracts.Voting;

/// <summary>Motion or election; numbers equal the proto BallotKind values.</summary>
[GenerateSerializer, Alias("wego.BallotKind")]
public enum BallotKind { Motion = 1, Election = 2 }

/// <summary>Secret or roll-call; numbers equal the proto BallotMethod values.</summary>
[GenerateSerializer, Alias("wego.BallotMethod")]
public enum BallotMethod { Secret = 1, RollCall = 2 }

/// <summary>Where a ballot stands; numbers equal the proto BallotStatus values.</summary>
[GenerateSerializer, Alias("wego.BallotStatus")]
public enum BallotStatus { Draft = 1, Open = 2, Closed = 3 }

/// <summary>A person or member standing in an election.</summary>
[GenerateSerializer, Alias("wego.Candidate")]
public sealed record Candidate(string Id, string NameEn, string NameKo, string MemberCityId);

/// <summary>A ballot on an agenda item, as the secretariat defines it and the grain keeps it.</summary>
[GenerateSerializer, Alias("wego.Ballot")]
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
    string RunoffOfBallotId,
    TimeSpan? RemindBefore = null,
    string AmendmentId = "");

/// <summary>One member's vote as the caller sends it: a motion choice, or the candidates marked (empty is blank).</summary>
[GenerateSerializer, Alias("wego.VoteChoice")]
public sealed record VoteChoice(MotionChoice? Motion, IReadOnlyList<string> Candidates);

/// <summary>
/// Who is casting: the signed-in participant, their city and their role in the delegation. Whether they are
/// in the hall is the assembly's presence (one voting delegate and one alternate per city), which the ballot checks.
/// </summary>
[GenerateSerializer, Alias("wego.Voter")]
public sealed record Voter(string Actor, string ParticipantId, string AssemblyId, string MemberCityId, ParticipantRole Role);

/// <summary>Proof that a member's vote was counted; never carries the choice. CastAt is unknown for a receipt replayed after a restart.</summary>
[GenerateSerializer, Alias("wego.VoteReceipt")]
public sealed record VoteReceipt(string ReceiptId, string BallotId, string MemberCityId, DateTimeOffset? CastAt, bool Replayed);

/// <summary>Votes for one choice: a motion choice or a candidate id.</summary>
[GenerateSerializer, Alias("wego.ChoiceCount")]
public sealed record ChoiceCount(MotionChoice? Motion, string? CandidateId, int Votes);

/// <summary>One member's standing on a closed ballot; choices only on roll-call ballots.</summary>
[GenerateSerializer, Alias("wego.MemberBallotRecord")]
public sealed record MemberBallotRecord(
    string MemberCityId, bool Entitled, bool Present, bool Voted, string CastByMemberCityId, MotionChoice? Motion, IReadOnlyList<string> Candidates);

/// <summary>The count of a closed ballot, with the quorum and the member snapshot recorded at close.</summary>
[GenerateSerializer, Alias("wego.BallotResult")]
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
[GenerateSerializer, Alias("wego.BallotTally")]
public sealed record BallotTally(int VotesCast, int Entitled, IReadOnlyList<ChoiceCount> Counts, DateTimeOffset AsOf);

/// <summary>A ballot with its running tally and, once closed, its result.</summary>
[GenerateSerializer, Alias("wego.BallotView")]
public sealed record BallotView(Ballot Ballot, BallotTally Tally, BallotResult? Result);

/// <summary>The vote ledger could not store a vote; nothing of it counts and the client may retry (UNAVAILABLE).</summary>
[GenerateSerializer, Alias("wego.LedgerUnavailableException")]
public sealed class LedgerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
