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
    // Badges are numbered from a reservation stored a block at a time, so issuing 10,000 badges writes this grain's
    // state 100 times, not 10,000; a crash skips at most the rest of a block (numbers are never handed out twice).
    private const int BadgeReservation = 100;

    // The voting members with a voting delegate or alternate in the hall. Not stored here: the delegations own presence
    // (each stores its people's), so it is rebuilt at activation from their projections and kept by their reports.
    private readonly Dictionary<string, VoterPresence> presence = new(StringComparer.Ordinal);
    private int badgesHandedOut;

    // The voting roll, kept until presence, proxies, rules or the member register change; the register's eligible
    // members, kept until the register changes (its version on the hub).
    private VotingRoll? roll;
    private SortedSet<string>? eligible;
    private long eligibleVersion = -1;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        badgesHandedOut = state.State.BadgesIssued;
        if (state.State.Assembly is null)
            return;
        await foreach (var (memberCityId, delegation) in delegations.StreamAsync(this.GetPrimaryKeyString(), null, cancellationToken))
        {
            var inHall = DelegationRules.PresenceOf(delegation.Participants.Select(p => p.Participant));
            if (inHall.Present)
                presence[memberCityId] = inHall;
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            // Give back the unused rest of the reservation, so that numbering goes on without a gap after a clean stop.
            if (badgesHandedOut < state.State.BadgesIssued)
                await state.WriteStateAsync(state.State with { BadgesIssued = badgesHandedOut });
        }
        finally
        {
            await base.OnDeactivateAsync(reason, cancellationToken);
        }
    }

    public Task ReportVoterPresenceAsync(string memberCityId, VoterPresence report)
    {
        RequireAssembly();
        if ((presence.GetValueOrDefault(memberCityId) ?? VoterPresence.Absent) == report)
            return Task.CompletedTask;
        // Derived from the delegations' audited, stored door scans: nothing to store here.
        if (report.Present)
            presence[memberCityId] = report;
        else
            presence.Remove(memberCityId);
        QuorumChanged();
        return Task.CompletedTask;
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
        // A counter; the badge's audit entry is written with the participant it is issued to.
        if (badgesHandedOut >= state.State.BadgesIssued)
            await state.WriteStateAsync(state.State with { BadgesIssued = badgesHandedOut + BadgeReservation });
        badgesHandedOut++;
        return BadgeNumbers.Format(assembly.Year, badgesHandedOut);
    }

    private async Task<VotingRoll> RollAsync()
    {
        var assembly = RequireAssembly();
        var registerVersion = hub.Version(Voting.VotingHub.RegisterTopic);
        if (eligible is null || eligibleVersion != registerVersion)
        {
            // The version is read before the scan: a change during the scan makes the next call scan again.
            var scanned = new SortedSet<string>(StringComparer.Ordinal);
            await foreach (var member in register.StreamAsync(new MemberFilter(MemberCategory.Full, MemberStatus.Active), after: null, CancellationToken.None))
                if (VotingEligibility.Decide(member, assembly.Year).Eligible)
                    scanned.Add(member.Id);
            (eligible, eligibleVersion, roll) = (scanned, registerVersion, null);
        }
        if (roll is not null)
            return roll with { Quorum = roll.Quorum with { AsOf = clock.GetUtcNow() } };
        var members = eligible;

        var present = presence.Where(p => p.Value.Present).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var proxies = InForce().ToArray();
        var outcome = Quorum.Evaluate(members, present, proxies.Select(p => (p.GrantorMemberCityId, p.HolderMemberCityId)),
            assembly.Rules.Quorum, assembly.Rules.ProxiesCountForQuorum);

        CityStanding Standing(string id) => new(id, members.Contains(id), presence.GetValueOrDefault(id) ?? VoterPresence.Absent);
        var holderOf = proxies.ToDictionary(p => p.GrantorMemberCityId, p => p.HolderMemberCityId, StringComparer.Ordinal);
        var rights = members.ToDictionary(id => id,
            id => VoteRights.Decide(Standing(id), holderOf.TryGetValue(id, out var holder) ? Standing(holder) : null), StringComparer.Ordinal);

        var quorum = new QuorumCount(assembly.Id, outcome.Present, outcome.RepresentedByProxy, outcome.Eligible, outcome.Required, outcome.Met,
            assembly.Rules.Quorum, clock.GetUtcNow());
        roll = new VotingRoll(assembly.Id, members.ToArray(), new Dictionary<string, VoterPresence>(presence, StringComparer.Ordinal), proxies, rights, quorum);
        return roll;
    }

    private async Task<CityStanding> StandingAsync(string memberCityId, int year)
    {
        var member = await GrainFactory.GetGrain<IMemberCityGrain>(memberCityId).GetAsync();
        return new(memberCityId, member is not null && VotingEligibility.Decide(member, year).Eligible,
            presence.GetValueOrDefault(memberCityId) ?? VoterPresence.Absent);
    }

    private async Task<MemberCity> MemberAsync(string id) =>
        await GrainFactory.GetGrain<IMemberCityGrain>(id).GetAsync()
        ?? throw DomainException.NotFound($"No member city \"{id}\" is registered; check the id or list the register with ListMemberCities.");

    private IEnumerable<Proxy> InForce() => state.State.Proxies.Where(p => p.InForce);

    private Assembly RequireAssembly() => state.State.Assembly
        ?? throw DomainException.NotFound($"No assembly \"{this.GetPrimaryKeyString()}\" exists.");

    private static string Subject(Proxy proxy) => $"proxy/{proxy.AssemblyId}/{proxy.Id[(proxy.AssemblyId.Length + 1)..]}";
}
