using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Accreditation;
using WeGoAssembly.Grains.Membership;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Grains.Assemblies;

// The assembly-wide part of accreditation: which members' voting people are in the hall (reported by
// the delegation grains), the proxies (limits and chains span the assembly, so they live here, once),
// badge numbers, and the quorum and vote rights computed from them by the pure rules.
public sealed partial class AssemblyGrain
{
    public async Task ReportVoterPresenceAsync(string memberCityId, VoterPresence presence)
    {
        RequireAssembly();
        var known = state.State.Presence.TryGetValue(memberCityId, out var current) ? current : VoterPresence.Absent;
        if (known == presence)
            return;
        var next = new Dictionary<string, VoterPresence>(state.State.Presence, StringComparer.Ordinal);
        if (presence.Present)
            next[memberCityId] = presence;
        else
            next.Remove(memberCityId);
        // Derived from the delegations' audited door scans; the audit entry is theirs.
        await state.WriteStateAsync(state.State with { Presence = next });
        QuorumChanged();
    }

    public async Task<QuorumCount> GetQuorumAsync() => (await RollAsync()).Quorum;

    public Task<VotingRoll> GetVotingRollAsync() => RollAsync();

    public async Task<VoteRight> GetVoteRightAsync(string memberCityId)
    {
        var assembly = RequireAssembly();
        var city = await StandingAsync(memberCityId, assembly.Year);
        var holder = InForce().FirstOrDefault(p => p.GrantorMemberCityId == memberCityId) is { } proxy
            ? await StandingAsync(proxy.HolderMemberCityId, assembly.Year)
            : null;
        return VoteRights.Decide(city, holder);
    }

    public async Task<Proxy> RecordProxyAsync(string grantorMemberCityId, string holderMemberCityId, string reference, string actor)
    {
        var assembly = RequireAssembly();
        var errors = new List<FieldError>();
        var grantor = TextRules.Slug("grantor_member_city_id", grantorMemberCityId, errors);
        var holder = TextRules.Slug("holder_member_city_id", holderMemberCityId, errors);
        reference = TextRules.Text("reference", reference, 200, required: false, errors);
        DomainErrors.ThrowIfAny(errors);

        var grantorMember = await MemberAsync(grantor);
        var holderMember = grantor == holder ? grantorMember : await MemberAsync(holder);
        var refused = ProxyRules.Check(
            grantor, VotingEligibility.Decide(grantorMember, assembly.Year),
            holder, VotingEligibility.Decide(holderMember, assembly.Year),
            assembly.Rules, InForce().Select(p => (p.GrantorMemberCityId, p.HolderMemberCityId)).ToArray());
        if (refused is not null)
            throw refused;

        var proxy = new Proxy(ProxyIds.Format(assembly.Id, state.State.Proxies.Count + 1), assembly.Id, grantor, holder, reference, clock.GetUtcNow(), RevokedAt: null);
        await state.WriteStateAsync(state.State with { Proxies = [.. state.State.Proxies, proxy] },
            new AuditRecord(actor, "proxy.recorded", Subject(proxy), AuditDetails.Of(new { grantor, holder, reference })));
        QuorumChanged();
        return proxy;
    }

    public async Task<Proxy> RevokeProxyAsync(string proxyId, string reason, string actor)
    {
        RequireAssembly();
        var errors = new List<FieldError>();
        reason = TextRules.Text("reason", reason, DelegationRules.MaxReasonLength, required: false, errors);
        DomainErrors.ThrowIfAny(errors);
        var index = state.State.Proxies.FindIndex(p => p.Id == proxyId);
        if (index < 0)
            throw DomainException.NotFound($"No proxy \"{proxyId}\" is recorded at assembly \"{this.GetPrimaryKeyString()}\".");
        var proxy = state.State.Proxies[index];
        if (proxy.RevokedAt is { } at)
            throw new DomainException(DomainErrorKind.StateConflict,
                $"Proxy {proxy.Id} from {proxy.GrantorMemberCityId} to {proxy.HolderMemberCityId} was already revoked at {at:u}.");

        var revoked = proxy with { RevokedAt = clock.GetUtcNow() };
        var proxies = state.State.Proxies.ToList();
        proxies[index] = revoked;
        await state.WriteStateAsync(state.State with { Proxies = proxies },
            new AuditRecord(actor, "proxy.revoked", Subject(proxy),
                AuditDetails.Of(new { grantor = proxy.GrantorMemberCityId, holder = proxy.HolderMemberCityId, reason })));
        QuorumChanged();
        return revoked;
    }

    public Task<IReadOnlyList<Proxy>> GetProxiesAsync(bool includeRevoked)
    {
        RequireAssembly();
        return Task.FromResult<IReadOnlyList<Proxy>>(includeRevoked ? state.State.Proxies.ToArray() : InForce().ToArray());
    }

    public async Task<string> AllocateBadgeNumberAsync(string actor)
    {
        var assembly = RequireAssembly();
        var sequence = state.State.BadgesIssued + 1;
        // A counter; the badge's audit entry is written with the participant it is issued to.
        await state.WriteStateAsync(state.State with { BadgesIssued = sequence });
        return BadgeNumbers.Format(assembly.Year, sequence);
    }

    private async Task<VotingRoll> RollAsync()
    {
        var assembly = RequireAssembly();
        var eligible = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var member in register.StreamAsync(new MemberFilter(MemberCategory.Full, MemberStatus.Active), after: null, CancellationToken.None))
            if (VotingEligibility.Decide(member, assembly.Year).Eligible)
                eligible.Add(member.Id);

        var presence = state.State.Presence;
        var present = presence.Where(p => p.Value.Present).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var proxies = InForce().ToArray();
        var outcome = Quorum.Evaluate(eligible, present, proxies.Select(p => (p.GrantorMemberCityId, p.HolderMemberCityId)),
            assembly.Rules.Quorum, assembly.Rules.ProxiesCountForQuorum);

        CityStanding Standing(string id) => new(id, eligible.Contains(id), presence.GetValueOrDefault(id) ?? VoterPresence.Absent);
        var holderOf = proxies.ToDictionary(p => p.GrantorMemberCityId, p => p.HolderMemberCityId, StringComparer.Ordinal);
        var rights = eligible.ToDictionary(id => id,
            id => VoteRights.Decide(Standing(id), holderOf.TryGetValue(id, out var holder) ? Standing(holder) : null), StringComparer.Ordinal);

        var quorum = new QuorumCount(assembly.Id, outcome.Present, outcome.RepresentedByProxy, outcome.Eligible, outcome.Required, outcome.Met,
            assembly.Rules.Quorum, clock.GetUtcNow());
        return new VotingRoll(assembly.Id, eligible.ToArray(), new Dictionary<string, VoterPresence>(presence, StringComparer.Ordinal), proxies, rights, quorum);
    }

    private async Task<CityStanding> StandingAsync(string memberCityId, int year)
    {
        var member = await GrainFactory.GetGrain<IMemberCityGrain>(memberCityId).GetAsync();
        return new(memberCityId, member is not null && VotingEligibility.Decide(member, year).Eligible,
            state.State.Presence.GetValueOrDefault(memberCityId) ?? VoterPresence.Absent);
    }

    private async Task<MemberCity> MemberAsync(string id) =>
        await GrainFactory.GetGrain<IMemberCityGrain>(id).GetAsync()
        ?? throw DomainException.NotFound($"No member city \"{id}\" is registered; check the id or list the register with ListMemberCities.");

    private IEnumerable<Proxy> InForce() => state.State.Proxies.Where(p => p.InForce);

    private Assembly RequireAssembly() => state.State.Assembly
        ?? throw DomainException.NotFound($"No assembly \"{this.GetPrimaryKeyString()}\" exists.");

    private static string Subject(Proxy proxy) => $"proxy/{proxy.AssemblyId}/{proxy.Id[(proxy.AssemblyId.Length + 1)..]}";
}
