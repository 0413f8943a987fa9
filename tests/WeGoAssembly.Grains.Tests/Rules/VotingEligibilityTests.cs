using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class VotingEligibilityTests
{
    private static MemberCity Member(MemberCategory category, int duesThrough, MemberStatus status) =>
        new("seoul", "Seoul", "서울", "KR", category, duesThrough, status, Sample: false, UpdatedAt: default);

    // assembly year, category, dues paid through, status, eligible
    public static TheoryData<int, MemberCategory, int, MemberStatus, bool> Cases => new()
    {
        { 2023, MemberCategory.Full, 2022, MemberStatus.Active, true },       // exactly Y-1
        { 2023, MemberCategory.Full, 2023, MemberStatus.Active, true },       // paid ahead
        { 2023, MemberCategory.Full, 2030, MemberStatus.Active, true },
        { 2023, MemberCategory.Full, 2021, MemberStatus.Active, false },      // one year short
        { 2023, MemberCategory.Full, 0, MemberStatus.Active, false },         // never paid
        { 2023, MemberCategory.Full, 2022, MemberStatus.Suspended, false },
        { 2023, MemberCategory.Full, 2022, MemberStatus.Withdrawn, false },
        { 2023, MemberCategory.Associate, 2023, MemberStatus.Active, false },
        { 2023, MemberCategory.Friendship, 2023, MemberStatus.Active, false },
        { 2023, MemberCategory.Corporate, 2023, MemberStatus.Active, false },
        { 2024, MemberCategory.Full, 2022, MemberStatus.Active, false },      // the same member a year later
        { 2024, MemberCategory.Full, 2023, MemberStatus.Active, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_member_votes_only_when_full_active_and_paid_through_the_year_before(
        int year, MemberCategory category, int duesThrough, MemberStatus status, bool eligible)
    {
        var decision = VotingEligibility.Decide(Member(category, duesThrough, status), year);

        Assert.Equal(eligible, decision.Eligible);
        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
    }

    [Fact]
    public void The_reason_for_unpaid_dues_names_the_year_required()
    {
        var decision = VotingEligibility.Decide(Member(MemberCategory.Full, 2020, MemberStatus.Active), 2023);

        Assert.Contains("2020", decision.Reason);
        Assert.Contains("2022", decision.Reason);
    }
}
