using System.Text;
using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Accreditation;
using WeGoAssembly.Grains.Storage;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Grains.Tests.Accreditation;

/// <summary>Delegation, badge, letter and assembly grains together on a real SQLite file.</summary>
public sealed class AccreditationGrainTests : IAsyncLifetime
{
    private const string Secretariat = "staff:secretariat", Door = "staff:door-1";
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\nSeoul names its delegation.\n%%EOF");

    private readonly TestDatabase database = TestDatabase.Sqlite();
    private GrainCluster cluster = null!;

    private IGrainFactory Grains => cluster.Grains;
    private IAssemblyGrain Assembly => Grains.GetGrain<IAssemblyGrain>("ga-2023");
    private IDelegationGrain Delegation(string city, string assembly = "ga-2023") => Grains.GetGrain<IDelegationGrain>($"{assembly}/{city}");

    public async Task InitializeAsync()
    {
        cluster = await GrainCluster.StartAsync(database);
        // Six voting-eligible members, one Associate, one with dues unpaid, one withdrawn.
        foreach (var id in new[] { "seoul", "busan", "tokyo", "lima", "quito", "kazan" })
            await Member(id, MemberCategory.Full, 2022);
        await Member("gangseo-gu", MemberCategory.Associate, 2023);
        await Member("unpaid", MemberCategory.Full, 2020);
        await Member("gone", MemberCategory.Full, 2022, MemberStatus.Withdrawn);
        await Assembly.CreateAsync(new Assembly("ga-2023", "WeGO 6th General Assembly", "Seoul City Hall", 2023, "Asia/Seoul", null, null,
            AssemblyRules.Default with { ProxiesAllowed = true, MaxProxiesPerHolder = 1, ProxiesCountForQuorum = true }, false, default), Secretariat);
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        await database.DisposeAsync();
    }

    private Task Member(string id, MemberCategory category, int dues, MemberStatus status = MemberStatus.Active) =>
        Grains.GetGrain<IMemberCityGrain>(id).UpsertAsync(new MemberCity(id, $"City {id}", "", "KR", category, dues, status, false, default), Secretariat);

    private static NewParticipant Person(string given, ParticipantRole role, bool head = false) =>
        new(given, "김", "Director", "City Hall", $"{role.ToString().ToLowerInvariant()}@example.kr", role, head);

    /// <summary>Registers, approves and badges a voting delegate of <paramref name="city"/>; returns the QR secret.</summary>
    private async Task<(Participant Participant, string Secret)> BadgedAsync(string city, ParticipantRole role = ParticipantRole.VotingDelegate)
    {
        var participant = await Delegation(city).RegisterAsync(Person("민준", role), "participant:x");
        if ((await Delegation(city).GetAsync()).CredentialsLetter is null)
            await Delegation(city).SubmitCredentialsAsync(Pdf, "letter.pdf", "participant:x");
        await Delegation(city).ReviewAsync(participant.Id, AccreditationDecision.Approve, "", Secretariat);
        var badge = await Delegation(city).IssueBadgeAsync(participant.Id, Secretariat);
        return (badge.Participant, badge.QrSecret);
    }

    private async Task<PresenceChange> ScanInAsync(string secret)
    {
        var holder = await Grains.GetGrain<IBadgeGrain>(BadgeSecrets.KeyOf(secret)).GetAsync() ?? throw new InvalidOperationException("unknown badge");
        return await Grains.GetGrain<IDelegationGrain>($"{holder.AssemblyId}/{holder.MemberCityId}").CheckInAsync(holder.ParticipantId, BadgeSecrets.KeyOf(secret), Door);
    }

    private async Task<PresenceChange> ScanOutAsync(string secret)
    {
        var holder = (await Grains.GetGrain<IBadgeGrain>(BadgeSecrets.KeyOf(secret)).GetAsync())!;
        return await Grains.GetGrain<IDelegationGrain>($"{holder.AssemblyId}/{holder.MemberCityId}").CheckOutAsync(holder.ParticipantId, BadgeSecrets.KeyOf(secret), Door);
    }

    private static (int Present, int Eligible, int Required, bool Met) Count(QuorumCount q) => (q.Present, q.Eligible, q.Required, q.Met);

    [Fact]
    public async Task The_workflow_runs_from_registration_to_quorum_and_back()
    {
        var registered = await Delegation("seoul").RegisterAsync(Person("세훈", ParticipantRole.VotingDelegate, head: true), "participant:ga-2023.seoul.p0");
        Assert.Equal(("ga-2023.seoul.p1", AccreditationStatus.Submitted, PresenceStatus.NotArrived), (registered.Id, registered.Status, registered.Presence));

        var noLetter = await Assert.ThrowsAsync<DomainException>(() => Delegation("seoul").ReviewAsync(registered.Id, AccreditationDecision.Approve, "", Secretariat));
        Assert.Equal(DomainErrorKind.StateConflict, noLetter.Kind);

        var letter = await Delegation("seoul").SubmitCredentialsAsync(Pdf, "신임장.pdf", "participant:ga-2023.seoul.p1");
        Assert.Equal(("application/pdf", Pdf.Length, 64), (letter.ContentType, (int)letter.SizeBytes, letter.Sha256.Length));
        var approved = await Delegation("seoul").ReviewAsync(registered.Id, AccreditationDecision.Approve, "", Secretariat);
        Assert.Equal(AccreditationStatus.Approved, approved.Status);

        var badge = await Delegation("seoul").IssueBadgeAsync(registered.Id, Secretariat);
        Assert.Equal(("GA23-0001", AccreditationStatus.BadgeIssued, false), (badge.BadgeNumber, badge.Participant.Status, badge.ReplacedEarlierBadge));

        Assert.Equal((0, 6, 4, false), Count(await Assembly.GetQuorumAsync()));
        var first = await ScanInAsync(badge.QrSecret);
        var second = await ScanInAsync(badge.QrSecret);
        Assert.True(first.Changed);
        Assert.False(second.Changed);
        Assert.Equal(PresenceStatus.CheckedIn, second.Participant.Presence);
        Assert.Equal((1, 6, 4, false), Count(await Assembly.GetQuorumAsync()));   // counted once

        foreach (var city in new[] { "busan", "tokyo" })
            await ScanInAsync((await BadgedAsync(city)).Secret);
        Assert.Equal((3, 6, 4, false), Count(await Assembly.GetQuorumAsync()));
        var (_, limaSecret) = await BadgedAsync("lima");
        await ScanInAsync(limaSecret);
        Assert.Equal((4, 6, 4, true), Count(await Assembly.GetQuorumAsync()));

        Assert.True((await ScanOutAsync(limaSecret)).Changed);
        Assert.False((await ScanOutAsync(limaSecret)).Changed);
        Assert.Equal((3, 6, 4, false), Count(await Assembly.GetQuorumAsync()));

        // lima, now absent, gives its proxy to seoul: represented, quorum met again.
        var proxy = await Assembly.RecordProxyAsync("lima", "seoul", "letter 2023-09-05", Secretariat);
        Assert.Equal("ga-2023.proxy-1", proxy.Id);
        var quorum = await Assembly.GetQuorumAsync();
        Assert.Equal((4, 1, true), (quorum.Present, quorum.RepresentedByProxy, quorum.Met));
        var lima = await Assembly.GetVoteRightAsync("lima");
        Assert.Equal((true, "seoul", ParticipantRole.VotingDelegate, true), (lima.MayVote, lima.CastByMemberCityId, lima.CastByRole, lima.ThroughProxy));
        var seoul = await Delegation("seoul").GetAsync();
        Assert.Equal([proxy.Id], seoul.ProxiesHeld.Select(p => p.Id));
        Assert.Equal(proxy.Id, (await Delegation("lima").GetAsync()).ProxyGiven?.Id);

        await Assembly.RevokeProxyAsync(proxy.Id, "lima arrived", Secretariat);
        Assert.Equal(3, (await Assembly.GetQuorumAsync()).Present);
        Assert.Empty((await Delegation("seoul").GetAsync()).ProxiesHeld);

        var history = await Delegation("lima").GetPresenceHistoryAsync();
        Assert.Equal([true, false], history.Select(e => e.CheckedIn));
        Assert.All(history, e => Assert.Equal(Door, e.Actor));
    }

    [Fact]
    public async Task An_alternate_counts_while_the_voting_delegate_is_away_and_the_city_is_counted_once()
    {
        var (_, delegateSecret) = await BadgedAsync("seoul");
        var (_, alternateSecret) = await BadgedAsync("seoul", ParticipantRole.Alternate);

        await ScanInAsync(alternateSecret);
        Assert.Equal(ParticipantRole.Alternate, (await Assembly.GetVoteRightAsync("seoul")).CastByRole);
        await ScanInAsync(delegateSecret);
        Assert.Equal(ParticipantRole.VotingDelegate, (await Assembly.GetVoteRightAsync("seoul")).CastByRole);
        Assert.Equal(1, (await Assembly.GetQuorumAsync()).Present);
        await ScanOutAsync(delegateSecret);
        Assert.Equal(ParticipantRole.Alternate, (await Assembly.GetVoteRightAsync("seoul")).CastByRole);
        await ScanOutAsync(alternateSecret);
        Assert.False((await Assembly.GetVoteRightAsync("seoul")).MayVote);
        Assert.Equal(0, (await Assembly.GetQuorumAsync()).Present);
    }

    [Fact]
    public async Task Advisors_and_members_that_may_not_vote_do_not_count_for_quorum()
    {
        await ScanInAsync((await BadgedAsync("seoul", ParticipantRole.Advisor)).Secret);
        await ScanInAsync((await BadgedAsync("gangseo-gu")).Secret);
        await ScanInAsync((await BadgedAsync("unpaid")).Secret);

        var roll = await Assembly.GetVotingRollAsync();

        Assert.Equal(0, roll.Quorum.Present);
        Assert.Equal(["busan", "kazan", "lima", "quito", "seoul", "tokyo"], roll.EligibleMemberCityIds);
        Assert.Equal(["gangseo-gu", "unpaid"], roll.Presence.Keys.Order());
        Assert.False(roll.VoteRights["seoul"].MayVote);
    }

    [Fact]
    public async Task A_second_voting_delegate_alternate_or_head_is_refused_and_nothing_is_stored()
    {
        await Delegation("seoul").RegisterAsync(Person("A", ParticipantRole.VotingDelegate, head: true), Secretariat);
        await Delegation("seoul").RegisterAsync(Person("B", ParticipantRole.Alternate), Secretariat);

        var twice = await Assert.ThrowsAsync<DomainException>(() => Delegation("seoul").RegisterAsync(Person("C", ParticipantRole.VotingDelegate), Secretariat));
        var alternate = await Assert.ThrowsAsync<DomainException>(() => Delegation("seoul").RegisterAsync(Person("C", ParticipantRole.Alternate), Secretariat));
        var head = await Assert.ThrowsAsync<DomainException>(() => Delegation("seoul").RegisterAsync(Person("C", ParticipantRole.Observer, head: true), Secretariat));

        Assert.All([twice, alternate, head], e => Assert.Equal(DomainErrorKind.StateConflict, e.Kind));
        Assert.Contains("already has a voting delegate", twice.Message);
        Assert.Equal(["A", "B"], (await Delegation("seoul").GetAsync()).Participants.Select(p => p.GivenName));
    }

    [Fact]
    public async Task Unknown_assemblies_and_member_cities_are_NOT_FOUND_and_withdrawn_members_send_no_one()
    {
        var city = await Assert.ThrowsAsync<DomainException>(() => Delegation("atlantis").RegisterAsync(Person("A", ParticipantRole.Observer), Secretariat));
        var assembly = await Assert.ThrowsAsync<DomainException>(() => Delegation("seoul", "ga-1999").RegisterAsync(Person("A", ParticipantRole.Observer), Secretariat));
        var letter = await Assert.ThrowsAsync<DomainException>(() => Delegation("atlantis").SubmitCredentialsAsync(Pdf, "a.pdf", Secretariat));
        var read = await Assert.ThrowsAsync<DomainException>(() => Delegation("atlantis").GetAsync());
        var withdrawn = await Assert.ThrowsAsync<DomainException>(() => Delegation("gone").RegisterAsync(Person("A", ParticipantRole.Observer), Secretariat));

        Assert.All([city, assembly, letter, read], e => Assert.Equal(DomainErrorKind.NotFound, e.Kind));
        Assert.Contains("atlantis", city.Message);
        Assert.Contains("ga-1999", assembly.Message);
        Assert.Equal(DomainErrorKind.StateConflict, withdrawn.Kind);
        Assert.Empty((await Delegation("busan").GetAsync()).Participants);   // a known city with no one: empty, not NOT_FOUND
    }

    [Fact]
    public async Task Rejecting_revokes_the_badge_checks_the_person_out_and_the_door_refuses_them()
    {
        var (participant, secret) = await BadgedAsync("seoul");
        await ScanInAsync(secret);
        Assert.Equal(1, (await Assembly.GetQuorumAsync()).Present);

        await Assert.ThrowsAsync<DomainException>(() => Delegation("seoul").ReviewAsync(participant.Id, AccreditationDecision.Reject, " ", Secretariat));
        var rejected = await Delegation("seoul").ReviewAsync(participant.Id, AccreditationDecision.Reject, "Not named in the credentials letter.", Secretariat);

        Assert.Equal((AccreditationStatus.Rejected, PresenceStatus.CheckedOut), (rejected.Status, rejected.Presence));
        // The one-person read (a caller's standing, a voter's role) says the same as the whole delegation.
        var one = await Delegation("seoul").GetParticipantAsync(participant.Id);
        Assert.NotNull(one);
        Assert.Equal((participant.Role, AccreditationStatus.Rejected), (one.Role, one.Status));
        Assert.Null(await Delegation("seoul").GetParticipantAsync("ga-2023.seoul.p99"));
        Assert.Equal(0, (await Assembly.GetQuorumAsync()).Present);
        Assert.True((await Grains.GetGrain<IBadgeGrain>(BadgeSecrets.KeyOf(secret)).GetAsync())!.Revoked);
        var refused = await Assert.ThrowsAsync<DomainException>(() => ScanInAsync(secret));
        Assert.Equal(DomainErrorKind.StateConflict, refused.Kind);
        Assert.Contains("Not named in the credentials letter.", refused.Message);
        var noBadge = await Assert.ThrowsAsync<DomainException>(() => Delegation("seoul").IssueBadgeAsync(participant.Id, Secretariat));
        Assert.Equal(DomainErrorKind.StateConflict, noBadge.Kind);

        // A later decision replaces it: approved again, a new badge with the same number scans; the old one does not.
        await Delegation("seoul").ReviewAsync(participant.Id, AccreditationDecision.Approve, "", Secretariat);
        var again = await Delegation("seoul").IssueBadgeAsync(participant.Id, Secretariat);
        Assert.Equal(participant.BadgeNumber, again.BadgeNumber);
        Assert.False(again.ReplacedEarlierBadge);
        Assert.True((await ScanInAsync(again.QrSecret)).Changed);
        Assert.Equal(DomainErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => ScanInAsync(secret))).Kind);
    }

    [Fact]
    public async Task Re_issuing_a_badge_revokes_the_old_QR_code_and_keeps_the_number()
    {
        var (participant, oldSecret) = await BadgedAsync("busan");

        var reissued = await Delegation("busan").IssueBadgeAsync(participant.Id, Secretariat);

        Assert.True(reissued.ReplacedEarlierBadge);
        Assert.Equal(participant.BadgeNumber, reissued.BadgeNumber);
        Assert.NotEqual(oldSecret, reissued.QrSecret);
        var revoked = await Assert.ThrowsAsync<DomainException>(() => ScanInAsync(oldSecret));
        Assert.Equal(DomainErrorKind.NotFound, revoked.Kind);
        Assert.Contains("newer badge", revoked.Message);
        Assert.True((await ScanInAsync(reissued.QrSecret)).Changed);
    }

    [Fact]
    public async Task Badge_numbers_are_unique_across_the_assembly()
    {
        var numbers = new List<string>();
        foreach (var city in new[] { "seoul", "busan", "tokyo" })
            numbers.Add((await BadgedAsync(city)).Participant.BadgeNumber);
        numbers.Add((await BadgedAsync("seoul", ParticipantRole.Advisor)).Participant.BadgeNumber);

        Assert.Equal(["GA23-0001", "GA23-0002", "GA23-0003", "GA23-0004"], numbers);
    }

    [Fact]
    public async Task A_badge_is_issued_only_after_approval()
    {
        var participant = await Delegation("seoul").RegisterAsync(Person("A", ParticipantRole.Observer), Secretariat);

        var error = await Assert.ThrowsAsync<DomainException>(() => Delegation("seoul").IssueBadgeAsync(participant.Id, Secretariat));

        Assert.Equal(DomainErrorKind.StateConflict, error.Kind);
        Assert.Contains("not approved yet", error.Message);
        var missing = await Assert.ThrowsAsync<DomainException>(() => Delegation("seoul").IssueBadgeAsync("ga-2023.seoul.p9", Secretariat));
        Assert.Equal(DomainErrorKind.NotFound, missing.Kind);
    }

    [Fact]
    public async Task The_letter_bytes_live_in_their_own_grain_under_their_hash_and_a_bad_letter_changes_nothing()
    {
        var first = await Delegation("seoul").SubmitCredentialsAsync(Pdf, "a.pdf", Secretariat);
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 };

        await Assert.ThrowsAsync<DomainException>(() => Delegation("seoul").SubmitCredentialsAsync(png, "letter.pdf", Secretariat));
        await Assert.ThrowsAsync<DomainException>(() => Delegation("seoul").SubmitCredentialsAsync(Encoding.UTF8.GetBytes("hello"), "", Secretariat));
        Assert.Equal(first, (await Delegation("seoul").GetAsync()).CredentialsLetter);

        var second = await Delegation("seoul").SubmitCredentialsAsync(png, "letter.png", Secretariat);
        Assert.Equal("image/png", (await Delegation("seoul").GetAsync()).CredentialsLetter?.ContentType);
        var stored = await Grains.GetGrain<ICredentialsLetterGrain>($"ga-2023/seoul/{second.Sha256}").GetAsync();
        Assert.Equal(png, stored?.Content);
        Assert.Equal(Pdf, (await Grains.GetGrain<ICredentialsLetterGrain>($"ga-2023/seoul/{first.Sha256}").GetAsync())?.Content);

        var projections = cluster.SiloServices.GetRequiredService<Projections>();
        await foreach (var (_, state) in projections.ScanAsync<DelegationState>(DelegationGrain.TypeName))
            Assert.Equal(second, state.Letter);
    }

    [Fact]
    public async Task Presence_and_proxies_survive_reactivation()
    {
        var (_, secret) = await BadgedAsync("seoul");
        await ScanInAsync(secret);
        await Assembly.RecordProxyAsync("busan", "seoul", "", Secretariat);

        await cluster.DeactivateAllAsync();

        var quorum = await Assembly.GetQuorumAsync();
        Assert.Equal((2, 1), (quorum.Present, quorum.RepresentedByProxy));
        Assert.False((await ScanInAsync(secret)).Changed);
    }

    [Fact]
    public async Task A_presence_report_that_was_lost_is_healed_by_the_next_scan()
    {
        var (_, secret) = await BadgedAsync("seoul");
        await ScanInAsync(secret);
        await Assembly.ReportVoterPresenceAsync("seoul", VoterPresence.Absent);   // as if the report had failed
        Assert.Equal(0, (await Assembly.GetQuorumAsync()).Present);

        Assert.False((await ScanInAsync(secret)).Changed);

        Assert.Equal(1, (await Assembly.GetQuorumAsync()).Present);
    }

    [Fact]
    public async Task Proxies_are_refused_when_chained_repeated_over_the_limit_or_for_members_that_may_not_vote()
    {
        await Assembly.RecordProxyAsync("lima", "seoul", "", Secretariat);

        async Task<DomainException> Refused(string grantor, string holder) =>
            await Assert.ThrowsAsync<DomainException>(() => Assembly.RecordProxyAsync(grantor, holder, "", Secretariat));

        Assert.Contains("no chains", (await Refused("seoul", "busan")).Message);          // the holder would give its own
        Assert.Contains("no chains", (await Refused("busan", "lima")).Message);           // the grantor would hold one
        Assert.Contains("already given its proxy", (await Refused("lima", "busan")).Message);
        Assert.Contains("the most this assembly allows", (await Refused("quito", "seoul")).Message);
        Assert.Contains("not voting-eligible", (await Refused("unpaid", "busan")).Message);
        Assert.Contains("not voting-eligible", (await Refused("busan", "gangseo-gu")).Message);
        Assert.Equal(DomainErrorKind.NotFound, (await Refused("atlantis", "busan")).Kind);
        Assert.Equal(DomainErrorKind.Invalid, (await Refused("busan", "busan")).Kind);
        Assert.Single(await Assembly.GetProxiesAsync(includeRevoked: true));

        var revoked = await Assembly.RevokeProxyAsync("ga-2023.proxy-1", "", Secretariat);
        Assert.NotNull(revoked.RevokedAt);
        Assert.Equal(DomainErrorKind.StateConflict, (await Assert.ThrowsAsync<DomainException>(() => Assembly.RevokeProxyAsync(revoked.Id, "", Secretariat))).Kind);
        Assert.Equal(DomainErrorKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => Assembly.RevokeProxyAsync("ga-2023.proxy-9", "", Secretariat))).Kind);
        Assert.Equal("ga-2023.proxy-2", (await Assembly.RecordProxyAsync("seoul", "lima", "", Secretariat)).Id);
    }

    [Fact]
    public async Task Proxies_are_refused_when_the_assembly_does_not_allow_them()
    {
        var assembly = (await Assembly.GetAsync())!;
        await Assembly.UpdateAsync(new(assembly.Year, assembly.TimeZone, assembly.Rules with { ProxiesAllowed = false }, Details: null), Secretariat);

        var error = await Assert.ThrowsAsync<DomainException>(() => Assembly.RecordProxyAsync("lima", "seoul", "", Secretariat));

        Assert.Equal(DomainErrorKind.StateConflict, error.Kind);
        Assert.Contains("do not allow proxies", error.Message);
    }

    [Fact]
    public async Task Updating_the_rules_keeps_presence_proxies_and_badge_numbers()
    {
        var (_, secret) = await BadgedAsync("seoul");
        await ScanInAsync(secret);
        await Assembly.RecordProxyAsync("lima", "seoul", "", Secretariat);
        var assembly = (await Assembly.GetAsync())!;

        await Assembly.UpdateAsync(new(assembly.Year, assembly.TimeZone, assembly.Rules with { Quorum = new QuorumRule(1, 3, false) }, Details: null), Secretariat);

        var quorum = await Assembly.GetQuorumAsync();
        Assert.Equal((2, 2, true), (quorum.Present, quorum.Required, quorum.Met));
        Assert.Equal("GA23-0002", (await BadgedAsync("busan")).Participant.BadgeNumber);
    }

    [Fact]
    public async Task The_exports_list_every_participant_and_the_attendance_in_any_script()
    {
        var (seoul, secret) = await BadgedAsync("seoul");
        await Delegation("busan").RegisterAsync(new NewParticipant("José", "Müller, \"Pepe\"", "", "", "jose@busan.kr", ParticipantRole.Observer, false), Secretariat);
        await ScanInAsync(secret);
        await ScanOutAsync(secret);
        await ScanInAsync(secret);
        var register = cluster.SiloServices.GetRequiredService<DelegationRegister>();

        var delegations = Encoding.UTF8.GetString(await register.ExportDelegationsAsync("ga-2023", CancellationToken.None)).Split("\r\n");
        var present = Encoding.UTF8.GetString(await register.ExportAttendanceAsync("ga-2023", history: false, CancellationToken.None)).Split("\r\n");
        var history = Encoding.UTF8.GetString(await register.ExportAttendanceAsync("ga-2023", history: true, CancellationToken.None)).Split("\r\n");

        Assert.Equal(string.Join(',', AccreditationCsv.DelegationColumns), delegations[0]);
        Assert.StartsWith("busan,City busan,ga-2023.busan.p1,José,\"Müller, \"\"Pepe\"\"\",observer,false", delegations[1]);
        Assert.StartsWith($"seoul,City seoul,{seoul.Id},민준,김,voting_delegate,false", delegations[2]);
        Assert.Contains(",badge_issued,,GA23-0001,checked_in,", delegations[2]);
        Assert.Equal(2, present.Count(l => l.Length > 0));
        Assert.StartsWith($"seoul,City seoul,{seoul.Id},민준,김,voting_delegate,GA23-0001,", present[1]);
        Assert.Equal(["checked_in", "checked_out", "checked_in"], history.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')[2]));
        Assert.All(history.Skip(1).Where(l => l.Length > 0), l => Assert.EndsWith($",{Door},", l));
    }

    [Fact]
    public async Task The_delegation_list_pages_in_member_city_order_and_filters_by_status()
    {
        foreach (var city in new[] { "tokyo", "busan", "seoul", "quito" })
            await Delegation(city).RegisterAsync(Person("A", ParticipantRole.Observer), Secretariat);
        await BadgedAsync("lima");
        await Delegation("seoul", "ga-2023").GetAsync();
        var register = cluster.SiloServices.GetRequiredService<DelegationRegister>();

        var first = await register.ListAsync("ga-2023", null, null, 2, CancellationToken.None);
        var second = await register.ListAsync("ga-2023", null, first.ContinueAfter, 2, CancellationToken.None);
        var third = await register.ListAsync("ga-2023", null, second.ContinueAfter, 2, CancellationToken.None);
        var badged = await register.ListAsync("ga-2023", AccreditationStatus.BadgeIssued, null, 50, CancellationToken.None);

        Assert.Equal(["busan", "lima", "quito", "seoul", "tokyo"], first.Delegations.Concat(second.Delegations).Concat(third.Delegations).Select(d => d.MemberCityId));
        Assert.Null(third.ContinueAfter);
        Assert.Equal(["lima"], badged.Delegations.Select(d => d.MemberCityId));
        await Assert.ThrowsAsync<DomainException>(() => register.ListAsync("ga-1999", null, null, 2, CancellationToken.None));
    }
}
