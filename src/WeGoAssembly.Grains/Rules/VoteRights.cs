using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;

namespace WeGoAssembly.Grains.Rules;

/// <summary>A member city as the vote-right rule sees it: whether it may vote at all, and who of it is in the hall.</summary>
public sealed record CityStanding(string MemberCityId, bool Eligible, VoterPresence Presence);

/// <summary>
/// Who casts a member city's vote right now. The vote belongs to the city: its voting delegate when in the
/// hall; else its alternate when in the hall; but while the city's proxy stands, only the holder's voting
/// delegate (or alternate, if the delegate is away) casts it, and the city itself may not.
/// </summary>
public static class VoteRights
{
    /// <param name="city">The city whose vote is asked about.</param>
    /// <param name="proxyHolder">The holder of the proxy the city gave, while it stands; null otherwise.</param>
    public static VoteRight Decide(CityStanding city, CityStanding? proxyHolder)
    {
        if (!city.Eligible)
            return new(false, null, null, false, $"{city.MemberCityId} is not voting-eligible at this assembly.");
        if (proxyHolder is not null)
        {
            if (!proxyHolder.Eligible)
                return new(false, null, null, true,
                    $"{city.MemberCityId} gave its proxy to {proxyHolder.MemberCityId}, which is not voting-eligible; revoke the proxy for {city.MemberCityId} to vote itself.");
            return ByPresentPerson(proxyHolder, throughProxy: true) ?? new(false, null, null, true,
                $"{city.MemberCityId} gave its proxy to {proxyHolder.MemberCityId}, whose voting delegate and alternate are not in the hall.");
        }
        return ByPresentPerson(city, throughProxy: false) ?? new(false, null, null, false,
            $"Neither the voting delegate nor the alternate of {city.MemberCityId} is in the hall.");
    }

    private static VoteRight? ByPresentPerson(CityStanding caster, bool throughProxy) => caster.Presence switch
    {
        { VotingDelegatePresent: true } => new(true, caster.MemberCityId, ParticipantRole.VotingDelegate, throughProxy,
            throughProxy ? $"Cast under proxy by the voting delegate of {caster.MemberCityId}." : $"Cast by the voting delegate of {caster.MemberCityId}."),
        { AlternatePresent: true } => new(true, caster.MemberCityId, ParticipantRole.Alternate, throughProxy,
            throughProxy ? $"Cast under proxy by the alternate of {caster.MemberCityId}, its voting delegate being away."
                         : $"Cast by the alternate of {caster.MemberCityId}, the voting delegate being away."),
        _ => null,
    };
}
