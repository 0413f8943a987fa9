using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Voting;

namespace WeGoAssembly.Grains.Rules;

/// <summary>What a counted ballot decided, before the quorum and member snapshot are attached.</summary>
public sealed record BallotCount(
    BallotOutcome Outcome, int VotesCast, IReadOnlyList<ChoiceCount> Counts, int BlankBallots, int MajorityBase, int VotesNeeded,
    IReadOnlyList<string> Elected, IReadOnlyList<string> Runoff, IReadOnlyList<string> TiedForChair);

/// <summary>
/// Ballot definitions, the shape of a vote and the count: pure functions. Counter keys are what the
/// ledger stores per choice: "yes", "no", "abstain", "candidate:&lt;id&gt;", "blank".
/// </summary>
public static class BallotRules
{
    public const string Yes = "yes", No = "no", Abstain = "abstain", Blank = "blank", CandidatePrefix = "candidate:";

    /// <summary>Checks a ballot definition; returns it cleaned or throws INVALID_ARGUMENT naming the field.</summary>
    public static Ballot Validate(Ballot ballot)
    {
        var errors = new List<FieldError>();
        var question = TextRules.Text("ballot.question_en", ballot.QuestionEn, 1000, required: true, errors);
        var questionKo = TextRules.Text("ballot.question_ko", ballot.QuestionKo, 1000, required: false, errors);
        if (!Enum.IsDefined(ballot.Kind))
            errors.Add(new("ballot.kind", "ballot.kind must be motion or election."));
        if (!Enum.IsDefined(ballot.Method))
            errors.Add(new("ballot.method", "ballot.method must be secret or roll-call."));
        var candidates = new List<Candidate>();
        if (ballot.Kind == BallotKind.Motion)
        {
            if (ballot.MajorityRule is not { } rule || !Enum.IsDefined(rule))
                errors.Add(new("ballot.majority_rule", "A motion needs a majority rule: simple majority or two thirds of votes cast, or absolute majority of eligible members."));
            if (ballot.Seats != 0)
                errors.Add(new("ballot.seats", "seats is for elections; leave it 0 for a motion."));
            if (ballot.Candidates.Count > 0)
                errors.Add(new("ballot.candidates", "candidates are for elections; a motion has none."));
        }
        else if (ballot.Kind == BallotKind.Election)
        {
            if (ballot.MajorityRule is not null)
                errors.Add(new("ballot.majority_rule", "An election has fixed rules; leave majority_rule unspecified."));
            if (ballot.Seats < 1)
                errors.Add(new("ballot.seats", "An election needs at least 1 seat."));
            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < ballot.Candidates.Count; i++)
            {
                var c = ballot.Candidates[i];
                var field = $"ballot.candidates[{i}]";
                var id = (c.Id ?? "").Trim();
                if (id.Length is < 1 or > 64 || id.Any(char.IsControl) || id.Contains('\n'))
                    errors.Add(new(field + ".id", $"{field}.id must be 1 to 64 characters without control characters."));
                else if (!ids.Add(id))
                    errors.Add(new(field + ".id", $"Candidate id \"{TextRules.Shorten(id)}\" appears twice."));
                candidates.Add(new(id, TextRules.Text(field + ".name_en", c.NameEn, 200, required: true, errors),
                    TextRules.Text(field + ".name_ko", c.NameKo, 200, required: false, errors),
                    string.IsNullOrWhiteSpace(c.MemberCityId) ? "" : TextRules.Slug(field + ".member_city_id", c.MemberCityId, errors)));
            }
            if (ballot.Seats >= 1 && candidates.Count < ballot.Seats)
                errors.Add(new("ballot.candidates", $"{ballot.Seats} seat(s) need at least as many candidates; {candidates.Count} given."));
        }
        if (ballot.RemindBefore is { } remind && (remind < TimeSpan.FromSeconds(1) || remind > TimeSpan.FromDays(7)))
            errors.Add(new("ballot.remind_before", $"ballot.remind_before {remind} must be from 1 second to 7 days before the deadline; leave it unset for no reminder."));
        DomainErrors.ThrowIfAny(errors);
        return ballot with { QuestionEn = question, QuestionKo = questionKo, Candidates = candidates };
    }

    /// <summary>The counter keys a vote adds to, and what a roll-call ballot stores on the voter row (null for secret ballots).</summary>
    public static (IReadOnlyList<string> TallyKeys, string? StoredChoice) Choice(Ballot ballot, VoteChoice choice)
    {
        IReadOnlyList<string> keys;
        string stored;
        if (ballot.Kind == BallotKind.Motion)
        {
            if (choice.Candidates.Count > 0)
                throw DomainException.Invalid("candidate_ids", "This ballot is a motion; vote with motion_choice yes, no or abstain, not candidate_ids.");
            stored = choice.Motion switch
            {
                MotionChoice.Yes => Yes,
                MotionChoice.No => No,
                MotionChoice.Abstain => Abstain,
                _ => throw DomainException.Invalid("motion_choice", "motion_choice must be yes, no or abstain."),
            };
            keys = [stored];
        }
        else
        {
            if (choice.Motion is not null)
                throw DomainException.Invalid("motion_choice", "This ballot is an election; mark candidate_ids and leave motion_choice unspecified.");
            if (choice.Candidates.Count > ballot.Seats)
                throw DomainException.Invalid("candidate_ids", $"At most {ballot.Seats} candidate(s) may be marked; {choice.Candidates.Count} were.");
            if (choice.Candidates.Distinct(StringComparer.Ordinal).Count() != choice.Candidates.Count)
                throw DomainException.Invalid("candidate_ids", "A candidate is marked twice.");
            foreach (var id in choice.Candidates)
                if (!ballot.Candidates.Any(c => c.Id == id))
                    throw DomainException.Invalid("candidate_ids", $"\"{TextRules.Shorten(id)}\" is not a candidate on this ballot.");
            keys = choice.Candidates.Count == 0 ? [Blank] : choice.Candidates.Select(id => CandidatePrefix + id).ToArray();
            stored = string.Join('\n', choice.Candidates);
        }
        return (keys, ballot.Method == BallotMethod.RollCall ? stored : null);
    }

    /// <summary>A roll-call voter row's choice read back as a motion choice or candidate ids.</summary>
    public static (MotionChoice? Motion, IReadOnlyList<string> Candidates) ReadStoredChoice(Ballot ballot, string? stored) =>
        stored is null ? (null, [])
        : ballot.Kind == BallotKind.Motion ? (stored switch { Yes => MotionChoice.Yes, No => MotionChoice.No, Abstain => MotionChoice.Abstain, _ => null }, [])
        : (null, stored.Length == 0 ? [] : stored.Split('\n'));

    /// <summary>Per-choice counts in ballot order: yes, no, abstain; or each candidate.</summary>
    public static IReadOnlyList<ChoiceCount> Counts(Ballot ballot, IReadOnlyDictionary<string, int> tally) => ballot.Kind == BallotKind.Motion
        ? [new(MotionChoice.Yes, null, tally.GetValueOrDefault(Yes)), new(MotionChoice.No, null, tally.GetValueOrDefault(No)),
           new(MotionChoice.Abstain, null, tally.GetValueOrDefault(Abstain))]
        : ballot.Candidates.Select(c => new ChoiceCount(null, c.Id, tally.GetValueOrDefault(CandidatePrefix + c.Id))).ToArray();

    /// <summary>Counts a closed ballot: no quorum at close decides nothing; else the majority or election rules.</summary>
    public static BallotCount Decide(Ballot ballot, IReadOnlyDictionary<string, int> tally, int votesCast, int eligible, bool quorumMet)
    {
        var counts = Counts(ballot, tally);
        var blank = ballot.Kind == BallotKind.Election ? tally.GetValueOrDefault(Blank) : 0;
        if (ballot.Kind == BallotKind.Motion)
        {
            var motion = MajorityRules.DecideMotion(new(tally.GetValueOrDefault(Yes), tally.GetValueOrDefault(No), tally.GetValueOrDefault(Abstain)),
                ballot.MajorityRule!.Value, eligible);
            return new(quorumMet ? motion.Outcome : BallotOutcome.NoQuorum, votesCast, counts, 0, motion.Base, motion.VotesNeeded, [], [], []);
        }
        var votes = counts.ToDictionary(c => c.CandidateId!, c => c.Votes, StringComparer.Ordinal);
        var election = ballot.Seats == 1 ? MajorityRules.DecideSingleSeat(votes) : MajorityRules.DecideMultiSeat(votes, ballot.Seats);
        if (!quorumMet)
            return new(BallotOutcome.NoQuorum, votesCast, counts, blank, election.ValidVotes, election.VotesNeeded, [], [], []);
        return new(election.Outcome, votesCast, counts, blank, ballot.Seats == 1 ? election.ValidVotes : 0, election.VotesNeeded,
            election.Elected, election.Runoff, election.TiedForChair);
    }
}
