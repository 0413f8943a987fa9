using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class MajorityRulesTests
{
    // yes, no, abstain, eligible → outcome, base, votes needed
    public static TheoryData<MajorityRule, int, int, int, int, BallotOutcome, int, int> Motions => new()
    {
        // simple majority of votes cast: floor(n/2)+1 of yes+no, abstentions excluded
        { MajorityRule.SimpleMajorityOfVotesCast, 1, 0, 0, 71, BallotOutcome.Adopted, 1, 1 },
        { MajorityRule.SimpleMajorityOfVotesCast, 0, 1, 0, 71, BallotOutcome.Rejected, 1, 1 },
        { MajorityRule.SimpleMajorityOfVotesCast, 1, 1, 0, 71, BallotOutcome.Tie, 2, 2 },
        { MajorityRule.SimpleMajorityOfVotesCast, 2, 0, 5, 71, BallotOutcome.Adopted, 2, 2 },
        { MajorityRule.SimpleMajorityOfVotesCast, 9, 8, 0, 71, BallotOutcome.Adopted, 17, 9 },
        { MajorityRule.SimpleMajorityOfVotesCast, 8, 9, 0, 71, BallotOutcome.Rejected, 17, 9 },
        { MajorityRule.SimpleMajorityOfVotesCast, 9, 8, 40, 71, BallotOutcome.Adopted, 17, 9 },   // abstentions do not count
        { MajorityRule.SimpleMajorityOfVotesCast, 500, 500, 0, 1000, BallotOutcome.Tie, 1000, 501 },
        { MajorityRule.SimpleMajorityOfVotesCast, 501, 499, 0, 1000, BallotOutcome.Adopted, 1000, 501 },
        { MajorityRule.SimpleMajorityOfVotesCast, 0, 0, 10, 71, BallotOutcome.Rejected, 0, 1 },     // only abstentions
        // two thirds of votes cast: at least 2/3 of yes+no
        { MajorityRule.TwoThirdsOfVotesCast, 7, 3, 0, 71, BallotOutcome.Adopted, 10, 7 },
        { MajorityRule.TwoThirdsOfVotesCast, 6, 4, 0, 71, BallotOutcome.Rejected, 10, 7 },
        { MajorityRule.TwoThirdsOfVotesCast, 54, 27, 0, 120, BallotOutcome.Adopted, 81, 54 },        // exactly two thirds
        { MajorityRule.TwoThirdsOfVotesCast, 53, 28, 3, 120, BallotOutcome.Rejected, 81, 54 },
        { MajorityRule.TwoThirdsOfVotesCast, 5, 5, 0, 71, BallotOutcome.Tie, 10, 7 },
        // absolute majority of the eligible members, however many voted
        { MajorityRule.AbsoluteMajorityOfEligible, 36, 0, 0, 71, BallotOutcome.Adopted, 71, 36 },
        { MajorityRule.AbsoluteMajorityOfEligible, 35, 0, 20, 71, BallotOutcome.Rejected, 71, 36 },
        { MajorityRule.AbsoluteMajorityOfEligible, 36, 35, 0, 71, BallotOutcome.Adopted, 71, 36 },
        { MajorityRule.AbsoluteMajorityOfEligible, 35, 35, 0, 70, BallotOutcome.Tie, 70, 36 },
    };

    [Theory]
    [MemberData(nameof(Motions))]
    public void A_motion_is_decided_by_its_majority_rule(
        MajorityRule rule, int yes, int no, int abstain, int eligible, BallotOutcome outcome, int basis, int needed)
    {
        var decision = MajorityRules.DecideMotion(new MotionCount(yes, no, abstain), rule, eligible);

        Assert.Equal(new MotionDecision(outcome, basis, needed), decision);
    }

    [Fact]
    public void A_single_seat_goes_to_an_absolute_majority_of_valid_votes()
    {
        var decision = MajorityRules.DecideSingleSeat(new Dictionary<string, int> { ["seoul"] = 36, ["busan"] = 20, ["lima"] = 15 });

        Assert.Equal(BallotOutcome.Elected, decision.Outcome);
        Assert.Equal(["seoul"], decision.Elected);
        Assert.Equal((71, 36), (decision.ValidVotes, decision.VotesNeeded));
    }

    [Fact]
    public void Without_an_absolute_majority_the_top_two_go_to_a_runoff()
    {
        var decision = MajorityRules.DecideSingleSeat(new Dictionary<string, int> { ["seoul"] = 35, ["busan"] = 21, ["lima"] = 15 });

        Assert.Equal(BallotOutcome.RunoffNeeded, decision.Outcome);
        Assert.Equal(["seoul", "busan"], decision.Runoff);
        Assert.Empty(decision.Elected);
    }

    [Fact]
    public void A_tie_for_second_place_goes_to_the_chair()
    {
        var decision = MajorityRules.DecideSingleSeat(new Dictionary<string, int> { ["seoul"] = 30, ["busan"] = 20, ["lima"] = 20, ["quito"] = 1 });

        Assert.Equal(BallotOutcome.TieForChair, decision.Outcome);
        Assert.Equal(["seoul"], decision.Runoff);
        Assert.Equal(["busan", "lima"], decision.TiedForChair);
    }

    [Fact]
    public void An_exact_half_is_not_an_absolute_majority()
    {
        var decision = MajorityRules.DecideSingleSeat(new Dictionary<string, int> { ["seoul"] = 10, ["busan"] = 10 });

        Assert.Equal(BallotOutcome.RunoffNeeded, decision.Outcome);
        Assert.Equal(["busan", "seoul"], decision.Runoff);
    }

    [Theory]
    [InlineData(new[] { 9, 7, 5, 3 }, 2, new[] { "a", "b" }, new string[0])]
    [InlineData(new[] { 9, 7, 7, 3 }, 2, new[] { "a" }, new[] { "b", "c" })]
    [InlineData(new[] { 9, 9, 9, 3 }, 2, new string[0], new[] { "a", "b", "c" })]
    [InlineData(new[] { 9, 7, 0, 0 }, 3, new[] { "a", "b" }, new string[0])]   // fewer candidates with votes than seats
    public void Several_seats_go_to_the_top_and_a_tie_across_the_last_seat_to_the_chair(int[] counts, int seats, string[] elected, string[] tied)
    {
        var votes = counts.Select((n, i) => (Id: ((char)('a' + i)).ToString(), n)).ToDictionary(v => v.Id, v => v.n);

        var decision = MajorityRules.DecideMultiSeat(votes, seats);

        Assert.Equal(elected, decision.Elected);
        Assert.Equal(tied, decision.TiedForChair);
        Assert.Equal(tied.Length > 0 ? BallotOutcome.TieForChair : BallotOutcome.Elected, decision.Outcome);
    }
}
