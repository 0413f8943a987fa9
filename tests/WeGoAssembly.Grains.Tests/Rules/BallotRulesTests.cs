using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class BallotRulesTests
{
    private static readonly Ballot Motion = new("ga.ballot-1", "ga", "ga.item-1", "Adopt?", "", BallotKind.Motion, 0, MajorityRule.SimpleMajorityOfVotesCast,
        BallotMethod.Secret, [], null, BallotStatus.Open, null, null, "");

    private static readonly Ballot Election = Motion with
    {
        Kind = BallotKind.Election, MajorityRule = null, Seats = 2,
        Candidates = [new("a", "A", "", ""), new("b", "B", "", ""), new("c", "C", "", "")],
    };

    // method, choice → counter keys and what the voter row stores
    public static TheoryData<BallotMethod, MotionChoice, string, string?> MotionChoices => new()
    {
        { BallotMethod.Secret, MotionChoice.Yes, "yes", null },
        { BallotMethod.Secret, MotionChoice.Abstain, "abstain", null },
        { BallotMethod.RollCall, MotionChoice.No, "no", "no" },
        { BallotMethod.RollCall, MotionChoice.Abstain, "abstain", "abstain" },
    };

    [Theory, MemberData(nameof(MotionChoices))]
    public void A_secret_ballot_stores_no_choice_on_the_voter_row(BallotMethod method, MotionChoice choice, string key, string? stored)
    {
        var (keys, row) = BallotRules.Choice(Motion with { Method = method }, new(choice, []));
        Assert.Equal([key], keys);
        Assert.Equal(stored, row);
    }

    // marked candidates → counter keys, or the field refused
    public static TheoryData<string[], string[]?> ElectionChoices => new()
    {
        { [], ["blank"] },
        { ["a"], ["candidate:a"] },
        { ["a", "c"], ["candidate:a", "candidate:c"] },
        { ["a", "b", "c"], null },     // more marks than seats
        { ["a", "a"], null },          // marked twice
        { ["z"], null },               // not a candidate
    };

    [Theory, MemberData(nameof(ElectionChoices))]
    public void Election_marks_are_checked_against_seats_and_candidates(string[] marked, string[]? keys)
    {
        if (keys is null)
            Assert.Equal("candidate_ids", Assert.Throws<DomainException>(() => BallotRules.Choice(Election, new(null, marked))).Field);
        else
            Assert.Equal(keys, BallotRules.Choice(Election, new(null, marked)).TallyKeys);
    }

    [Fact]
    public void A_motion_without_quorum_at_close_decides_nothing()
    {
        var tally = new Dictionary<string, int> { ["yes"] = 9, ["no"] = 8 };
        Assert.Equal(BallotOutcome.Adopted, BallotRules.Decide(Motion, tally, 17, 55, quorumMet: true).Outcome);
        var none = BallotRules.Decide(Motion, tally, 17, 55, quorumMet: false);
        Assert.Equal((BallotOutcome.NoQuorum, 17, 9), (none.Outcome, none.MajorityBase, none.VotesNeeded));
    }

    [Fact]
    public void A_two_seat_election_elects_the_top_two_and_counts_blank_ballots()
    {
        var tally = new Dictionary<string, int> { ["candidate:a"] = 5, ["candidate:b"] = 3, ["candidate:c"] = 1, ["blank"] = 2 };
        var count = BallotRules.Decide(Election, tally, 10, 55, quorumMet: true);
        Assert.Equal((BallotOutcome.Elected, 2), (count.Outcome, count.BlankBallots));
        Assert.Equal(["a", "b"], count.Elected);
    }

    [Theory]
    [InlineData(BallotKind.Motion, 1, "ballot.seats")]
    [InlineData(BallotKind.Election, 0, "ballot.majority_rule")]
    public void Definitions_that_mix_motion_and_election_are_refused(BallotKind kind, int seats, string field)
    {
        var ballot = Motion with { Kind = kind, Seats = seats, Candidates = kind == BallotKind.Election ? Election.Candidates : [] };
        Assert.Equal(field, Assert.Throws<DomainException>(() => BallotRules.Validate(ballot)).Field);
    }

    [Theory]
    [InlineData("nul\0byte")]
    [InlineData("'; DROP TABLE grain_state; --")]
    [InlineData("Seoul")]
    public void A_candidates_member_city_must_be_a_member_city_id_when_given(string memberCityId)
    {
        var ballot = Election with { Candidates = [new("a", "A", "", "seoul"), new("b", "B", "", memberCityId)] };

        Assert.Equal("ballot.candidates[1].member_city_id", Assert.Throws<DomainException>(() => BallotRules.Validate(ballot)).Field);
        Assert.Equal(["seoul", ""], BallotRules.Validate(ballot with { Candidates = [new("a", "A", "", " seoul "), new("b", "B", "", "")] }).Candidates.Select(c => c.MemberCityId));
    }
}
