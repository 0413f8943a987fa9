using WeGoAssembly.Contracts.Voting;

namespace WeGoAssembly.Grains.Rules;

/// <summary>Yes, no and abstain counts of a motion.</summary>
public sealed record MotionCount(int Yes, int No, int Abstain);

/// <summary>The outcome of a motion with the base the majority was taken of and the yes votes it needed.</summary>
public sealed record MotionDecision(BallotOutcome Outcome, int Base, int VotesNeeded);

/// <summary>The outcome of an election, with the candidates elected, in a runoff, or tied for the chair.</summary>
public sealed record ElectionDecision(
    BallotOutcome Outcome, int ValidVotes, int VotesNeeded,
    IReadOnlyList<string> Elected, IReadOnlyList<string> Runoff, IReadOnlyList<string> TiedForChair);

/// <summary>
/// The majorities of the General Assembly. A tie never adopts: equal yes and no is reported as a
/// tie and fails. Thresholds are whole numbers of votes so the chair can read them out.
/// </summary>
public static class MajorityRules
{
    public static MotionDecision DecideMotion(MotionCount count, MajorityRule rule, int eligible)
    {
        var cast = count.Yes + count.No;
        var (basis, needed) = rule switch
        {
            MajorityRule.SimpleMajorityOfVotesCast => (cast, cast / 2 + 1),
            MajorityRule.TwoThirdsOfVotesCast => (cast, Math.Max(1, (2 * cast + 2) / 3)),
            MajorityRule.AbsoluteMajorityOfEligible => (eligible, eligible / 2 + 1),
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown majority rule."),
        };
        var outcome = count.Yes >= needed && count.Yes > count.No ? BallotOutcome.Adopted
            : count.Yes == count.No && cast > 0 ? BallotOutcome.Tie
            : BallotOutcome.Rejected;
        return new(outcome, basis, needed);
    }

    /// <summary>
    /// Single seat: elected with an absolute majority of valid votes (blank ballots excluded), else a
    /// runoff between the top two; if second place is shared, the tie goes to the chair.
    /// </summary>
    public static ElectionDecision DecideSingleSeat(IReadOnlyDictionary<string, int> votes)
    {
        var valid = votes.Values.Sum();
        var needed = valid / 2 + 1;
        var ranked = Ranked(votes);
        if (valid == 0)
            return new(BallotOutcome.Rejected, 0, needed, [], [], []);
        if (ranked[0].Votes >= needed)
            return new(BallotOutcome.Elected, valid, needed, [ranked[0].Id], [], []);
        var (_, elected, tied) = Cut(ranked, 2);
        return tied.Count == 0
            ? new(BallotOutcome.RunoffNeeded, valid, needed, [], [.. elected], [])
            : new(BallotOutcome.TieForChair, valid, needed, [], [.. elected], tied);
    }

    /// <summary>Several seats: the top <paramref name="seats"/> win; candidates tied across the last seat go to the chair.</summary>
    public static ElectionDecision DecideMultiSeat(IReadOnlyDictionary<string, int> votes, int seats)
    {
        var valid = votes.Values.Sum();
        var (_, elected, tied) = Cut(Ranked(votes), seats);
        var outcome = tied.Count > 0 ? BallotOutcome.TieForChair : elected.Count > 0 ? BallotOutcome.Elected : BallotOutcome.Rejected;
        return new(outcome, valid, 0, elected, [], tied);
    }

    // Candidates with votes, most first; ids break no ties, they only make the order stable.
    private static List<(string Id, int Votes)> Ranked(IReadOnlyDictionary<string, int> votes) =>
        votes.Where(v => v.Value > 0).Select(v => (v.Key, v.Value))
            .OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).ToList();

    // The first `places` places: those clearly inside, and those tied across the boundary.
    private static (int Places, List<string> Inside, List<string> Tied) Cut(List<(string Id, int Votes)> ranked, int places)
    {
        if (ranked.Count <= places)
            return (places, ranked.Select(r => r.Id).ToList(), []);
        var boundary = ranked[places - 1].Votes;
        if (ranked[places].Votes < boundary)
            return (places, ranked.Take(places).Select(r => r.Id).ToList(), []);
        return (places,
            ranked.Where(r => r.Votes > boundary).Select(r => r.Id).ToList(),
            ranked.Where(r => r.Votes == boundary).Select(r => r.Id).ToList());
    }
}
