using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class VoteRightsTests
{
    private static VoterPresence P(string who) => new(who.Contains('D'), who.Contains('A'));

    // city eligible, city in hall (D delegate, A alternate), proxy holder ("" none; else eligible?, in hall),
    // expected: may vote, casting city, role, through proxy
    public static TheoryData<string, bool, string, string?, bool, string?, ParticipantRole?, bool> Cases => new()
    {
        { "voting delegate present", true, "D", null, true, "seoul", ParticipantRole.VotingDelegate, false },
        { "delegate and alternate present: the delegate votes", true, "DA", null, true, "seoul", ParticipantRole.VotingDelegate, false },
        { "only the alternate present", true, "A", null, true, "seoul", ParticipantRole.Alternate, false },
        { "nobody present", true, "", null, false, null, null, false },
        { "not eligible, delegate present", false, "D", null, false, null, null, false },
        { "proxy given, holder's delegate present", true, "", "eligible:D", true, "busan", ParticipantRole.VotingDelegate, true },
        { "proxy given, only holder's alternate present", true, "", "eligible:A", true, "busan", ParticipantRole.Alternate, true },
        { "proxy given, own delegate present: the city still cannot vote itself", true, "D", "eligible:", false, null, null, true },
        { "proxy given, own delegate and holder's present: the holder votes", true, "D", "eligible:D", true, "busan", ParticipantRole.VotingDelegate, true },
        { "proxy given to a holder no longer eligible", true, "", "ineligible:D", false, null, null, true },
        { "proxy given but the grantor is no longer eligible", false, "", "eligible:D", false, null, null, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_vote_of_a_city_is_cast_by_its_present_delegate_else_alternate_else_the_holder_of_its_proxy(
        string _, bool eligible, string present, string? holder, bool mayVote, string? castBy, ParticipantRole? role, bool throughProxy)
    {
        var city = new CityStanding("seoul", eligible, P(present));
        var holderStanding = holder?.Split(':') is [var standing, var inHall] ? new CityStanding("busan", standing == "eligible", P(inHall)) : null;

        var right = VoteRights.Decide(city, holderStanding);

        Assert.Equal((mayVote, castBy, role, throughProxy), (right.MayVote, right.CastByMemberCityId, right.CastByRole, right.ThroughProxy));
        Assert.False(string.IsNullOrWhiteSpace(right.Reason));
    }
}
