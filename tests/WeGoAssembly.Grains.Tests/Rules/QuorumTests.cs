using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class QuorumTests
{
    private static readonly QuorumRule MoreThanHalf = QuorumRule.MoreThanHalf;
    private static readonly QuorumRule AtLeastTwoThirds = new(2, 3, StrictlyMore: false);

    private static HashSet<string> Cities(int count, int from = 0) => Enumerable.Range(from, count).Select(i => $"c{i}").ToHashSet();

    // eligible, present (c0.. of the eligible), rule, expected required, expected met
    public static TheoryData<string, int, int, QuorumRule, int, bool> Thresholds => new()
    {
        { "1/2 strict, 10 eligible: 6 present is exactly the threshold", 10, 6, MoreThanHalf, 6, true },
        { "1/2 strict, 10 eligible: 5 (exactly half) is one below", 10, 5, MoreThanHalf, 6, false },
        { "1/2 strict, 9 eligible: 5 meets", 9, 5, MoreThanHalf, 5, true },
        { "1/2 strict, 9 eligible: 4 is one below", 9, 4, MoreThanHalf, 5, false },
        { "2/3 at least, 9 eligible: 6 is exactly two thirds", 9, 6, AtLeastTwoThirds, 6, true },
        { "2/3 at least, 9 eligible: 5 is one below", 9, 5, AtLeastTwoThirds, 6, false },
        { "2/3 at least, 10 eligible: 7 meets (6.67 rounded up)", 10, 7, AtLeastTwoThirds, 7, true },
        { "2/3 at least, 10 eligible: 6 is one below", 10, 6, AtLeastTwoThirds, 7, false },
        { "2/3 strict, 9 eligible: exactly 6 is not more than two thirds", 9, 6, new QuorumRule(2, 3, true), 7, false },
        { "all of them, 71 eligible, 71 present", 71, 71, new QuorumRule(1, 1, false), 71, true },
        { "1/2 strict, the 6th GA: 71 eligible, 36 present", 71, 36, MoreThanHalf, 36, true },
        { "1/2 strict, the 6th GA: 71 eligible, 35 present", 71, 35, MoreThanHalf, 36, false },
        { "zero eligible never has quorum (1/2 strict)", 0, 0, MoreThanHalf, 1, false },
        { "zero eligible never has quorum (2/3 at least)", 0, 0, AtLeastTwoThirds, 1, false },
        { "one eligible, present", 1, 1, MoreThanHalf, 1, true },
    };

    [Theory]
    [MemberData(nameof(Thresholds))]
    public void Quorum_is_met_at_the_threshold_and_not_one_below(string _, int eligible, int present, QuorumRule rule, int required, bool met)
    {
        var outcome = Quorum.Evaluate(Cities(eligible), Cities(present), [], rule, proxiesCount: false);

        Assert.Equal(new QuorumOutcome(present, 0, eligible, required, met), outcome);
    }

    // proxies (grantor>holder), present cities, proxies count, expected present, expected represented by proxy
    public static TheoryData<string, string[], string[], bool, int, int> Proxies => new()
    {
        { "grantor absent, holder present, proxies counted: represented", ["c0>c1"], ["c1"], true, 2, 1 },
        { "grantor absent, holder present, proxies not counted", ["c0>c1"], ["c1"], false, 1, 0 },
        { "grantor absent, holder absent: nobody represents it", ["c0>c1"], ["c2"], true, 1, 0 },
        { "grantor present itself: counted once, as present", ["c0>c1"], ["c0", "c1"], true, 2, 0 },
        { "holder holds two, both grantors absent", ["c0>c1", "c2>c1"], ["c1"], true, 3, 2 },
        { "proxy from a non-eligible member is not counted", ["x9>c1"], ["c1"], true, 1, 0 },
        { "proxy held by a non-eligible member is not counted", ["c0>x9"], ["x9"], true, 0, 0 },
        { "a present non-eligible member does not count", [], ["x9", "c1"], true, 1, 0 },
        { "the same grantor twice (bad data) is counted once", ["c0>c1", "c0>c2"], ["c1", "c2"], true, 3, 1 },
    };

    [Theory]
    [MemberData(nameof(Proxies))]
    public void Members_represented_by_proxy_count_only_when_the_rules_say_and_the_holder_is_present(
        string _, string[] proxies, string[] present, bool proxiesCount, int expectedPresent, int expectedByProxy)
    {
        var links = proxies.Select(p => p.Split('>')).Select(p => (p[0], p[1]));

        var outcome = Quorum.Evaluate(Cities(6), present.ToHashSet(), links, MoreThanHalf, proxiesCount);

        Assert.Equal((expectedPresent, expectedByProxy, 6, 4), (outcome.Present, outcome.RepresentedByProxy, outcome.Eligible, outcome.Required));
        Assert.Equal(expectedPresent >= 4, outcome.Met);
    }

    [Fact]
    public void A_proxy_can_carry_quorum_over_the_threshold()
    {
        var present = Cities(5);
        var proxies = new[] { ("c5", "c0") };

        Assert.False(Quorum.Evaluate(Cities(10), present, proxies, MoreThanHalf, proxiesCount: false).Met);
        Assert.True(Quorum.Evaluate(Cities(10), present, proxies, MoreThanHalf, proxiesCount: true).Met);
    }

    [Fact]
    public void Large_registers_do_not_overflow()
    {
        Assert.Equal(500_001, Quorum.Required(1_000_000, MoreThanHalf));
        Assert.Equal(666_667, Quorum.Required(1_000_000, new QuorumRule(2, 3, false)));
    }
}
