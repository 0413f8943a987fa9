using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Auth;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using Orleans;
using WeGoAssembly.Testing;
using Assembly = WeGoAssembly.Protos.V1.Assembly;
using AssemblyRules = WeGoAssembly.Protos.V1.AssemblyRules;
using Proxy = WeGoAssembly.Protos.V1.Proxy;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// Accreditation through the real host and the C# client, each caller signed in with its own role: delegations,
/// letters, review, badges, the door, quorum, proxies and exports; on one database engine per subclass.
/// </summary>
public abstract class AccreditationEndToEndTests : IAsyncLifetime
{
    // An extraordinary assembly in 2023 over the sample register (55 of its 71 members may vote in 2023), with a
    // low quorum (at least 1/20 of them: 3) so that a few check-ins cross it, and proxies allowed and counted.
    private const string Ega = "ega-2023", DoorPassword = "scan at the east door";
    private const int SampleEligible = 55;

    private IReadOnlyDictionary<string, string?> settings = null!;
    private WeGoServer server = null!;
    private SampleApi secretariat = null!;
    private SampleApi door = null!;

    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        settings = await FreshDatabaseAsync();
        server = await WeGoServer.StartAsync(settings);
        secretariat = await server.SecretariatAsync();
        await secretariat.UpsertStaffAccount(AuthEndToEndTests.Staff("east-door", "East door", UserRole.Logistics), DoorPassword);
        door = await server.StaffAsync("east-door", DoorPassword);
        await secretariat.CreateAssembly(new Assembly
        {
            Id = Ega, Title = "WeGO Extraordinary General Assembly", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul",
            Rules = new AssemblyRules
            {
                Quorum = new() { Numerator = 1, Denominator = 20 }, ProxiesAllowed = true, MaxProxiesPerHolder = 1, ProxiesCountForQuorum = true,
            },
        });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    // GetQuorum is served with VotingService (the voting work); until then the assembly grain answers it.
    private Task<QuorumCount> QuorumAsync() => server.Services.GetRequiredService<IGrainFactory>().GetGrain<IAssemblyGrain>(Ega).GetQuorumAsync();

    private static async Task<StatusCode> StatusOf(Func<Task> call) => (await Assert.ThrowsAsync<RpcException>(call)).StatusCode;

    [Fact]
    public async Task The_workflow_runs_from_registration_through_the_door_to_quorum_and_proxies()
    {
        // The secretariat registers Seoul's head of delegation, who signs in with the access code shown once.
        var head = await secretariat.Register(Ega, "seoul", "세훈", ParticipantRole.VotingDelegate, familyName: "오", head: true);
        Assert.Equal((AccreditationStatus.Submitted, PresenceStatus.NotArrived), (head.Participant.AccreditationStatus, head.Participant.Presence));
        Assert.Matches("^[0-9A-Z]{5}(-[0-9A-Z]{1,5}){5}$", head.AccessCode);
        var seoul = await server.ParticipantAsync(head.AccessCode);

        // The head registers the alternate and submits the letter of their own delegation.
        var alternate = await seoul.Register(Ega, "seoul", "Ji-won", ParticipantRole.Alternate, familyName: "Lee");
        var letter = await seoul.SubmitCredentials(Ega, "seoul", AccreditationCalls.Pdf, "신임장.pdf");
        Assert.Equal(("application/pdf", (long)AccreditationCalls.Pdf.Length, "신임장.pdf"), (letter.ContentType, letter.SizeBytes, letter.FileName));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(AccreditationCalls.Pdf)), letter.Sha256);

        // The secretariat approves and badges both.
        foreach (var id in new[] { head.Participant.Id, alternate.Participant.Id })
            Assert.Equal(AccreditationStatus.Approved, (await secretariat.Review(id, AccreditationDecision.Approve)).AccreditationStatus);
        var headBadge = await secretariat.IssueBadge(head.Participant.Id);
        var alternateBadge = await secretariat.IssueBadge(alternate.Participant.Id);
        Assert.Equal(("GA23-0001", "GA23-0002"), (headBadge.BadgeNumber, alternateBadge.BadgeNumber));
        Assert.Equal(AccreditationStatus.BadgeIssued, headBadge.Participant.AccreditationStatus);

        // At the door: a second scan is not an error and not counted twice.
        var quorum = await QuorumAsync();
        Assert.Equal((0, SampleEligible, 3, false), (quorum.Present, quorum.Eligible, quorum.Required, quorum.Met));
        var first = await door.CheckIn(headBadge.QrSecret);
        var again = await door.CheckIn(headBadge.QrSecret);
        await door.CheckIn(alternateBadge.QrSecret);
        Assert.True(first.Changed);
        Assert.False(again.Changed);
        Assert.Equal(("세훈", PresenceStatus.CheckedIn), (again.Participant.GivenName, again.Participant.Presence));
        Assert.Equal(1, (await QuorumAsync()).Present);

        var busan = await secretariat.BadgedAsync(Ega, "busan");
        await door.CheckIn(busan.QrSecret);
        Assert.False((await QuorumAsync()).Met);
        var lima = await secretariat.BadgedAsync(Ega, "lima");
        await door.CheckIn(lima.QrSecret);
        quorum = await QuorumAsync();
        Assert.Equal((3, true), (quorum.Present, quorum.Met));

        // Lima leaves and gives its proxy to Seoul: represented, quorum holds.
        Assert.True((await door.CheckOut(lima.QrSecret)).Changed);
        Assert.False((await door.CheckOut(lima.QrSecret)).Changed);
        Assert.False((await QuorumAsync()).Met);
        var proxy = await secretariat.RecordProxy(Ega, "lima", "seoul", "Letter of the Mayor of Lima, 5 Sept 2023");
        quorum = await QuorumAsync();
        Assert.Equal((3, 1, true), (quorum.Present, quorum.RepresentedByProxy, quorum.Met));

        var seoulDelegation = await seoul.GetDelegation(Ega, "seoul");
        Assert.Equal(["세훈", "Ji-won"], seoulDelegation.Participants.Select(p => p.GivenName));
        Assert.Equal(letter, seoulDelegation.CredentialsLetter);
        Assert.Equal([proxy.Id], seoulDelegation.ProxiesHeld.Select(p => p.Id));
        Assert.Equal(proxy.Id, (await secretariat.GetDelegation(Ega, "lima")).ProxyGiven.Id);

        Assert.Equal([proxy], await secretariat.ListProxies(Ega));

        var revoked = await secretariat.RevokeProxy(proxy.Id, "Lima's delegate came back");
        Assert.NotNull(revoked.RevokedAt);
        Assert.Empty(await secretariat.ListProxies(Ega));
        Assert.Equal([revoked], await secretariat.ListProxies(Ega, includeRevoked: true));
        Assert.Empty((await seoul.GetDelegation(Ega, "seoul")).ProxiesHeld);
        Assert.Equal(2, (await QuorumAsync()).Present);

        // The same state after a restart.
        await server.DisposeAsync();
        server = await WeGoServer.StartAsync(settings);
        secretariat = await server.SecretariatAsync();
        Assert.Equal(2, (await QuorumAsync()).Present);
        Assert.Equal(PresenceStatus.CheckedIn, (await secretariat.GetDelegation(Ega, "seoul")).Participants[0].Presence);
    }

    [Fact]
    public async Task A_letter_of_5_MiB_is_accepted_and_one_byte_more_is_INVALID_ARGUMENT_and_changes_nothing()
    {
        var largest = new byte[5 * 1024 * 1024];
        AccreditationCalls.Pdf.CopyTo(largest, 0);
        var stored = await secretariat.SubmitCredentials(Ega, "seoul", largest, "scan.pdf");
        Assert.Equal(5 * 1024 * 1024, stored.SizeBytes);

        var tooLarge = new byte[5 * 1024 * 1024 + 1];
        AccreditationCalls.Pdf.CopyTo(tooLarge, 0);
        var error = await Assert.ThrowsAsync<RpcException>(() => secretariat.SubmitCredentials(Ega, "seoul", tooLarge, "scan.pdf"));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("5,242,880", error.Status.Detail);
        Assert.Equal(stored, (await secretariat.GetDelegation(Ega, "seoul")).CredentialsLetter);
    }

    public static TheoryData<string, byte[], string, string> WrongLetters => new()
    {
        { "a PNG named .pdf", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "credentials.pdf", "PNG image" },
        { "a text file", "To whom it may concern: our delegation is..."u8.ToArray(), "credentials.txt", "not a PDF, PNG or JPEG" },
        { "a text file named .pdf", "%PDF but not really"u8.ToArray(), "credentials.pdf", "not a PDF, PNG or JPEG" },
        { "an empty file", [], "credentials.pdf", "empty" },
    };

    [Theory]
    [MemberData(nameof(WrongLetters))]
    public async Task A_wrongly_typed_letter_is_INVALID_ARGUMENT_and_the_letter_on_file_stays(string _, byte[] content, string fileName, string words)
    {
        var stored = await secretariat.SubmitCredentials(Ega, "seoul", AccreditationCalls.Pdf, "credentials.pdf");

        var error = await Assert.ThrowsAsync<RpcException>(() => secretariat.SubmitCredentials(Ega, "seoul", content, fileName));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(words, error.Status.Detail);
        Assert.Equal(stored, (await secretariat.GetDelegation(Ega, "seoul")).CredentialsLetter);
    }

    [Fact]
    public async Task A_second_voting_delegate_is_FAILED_PRECONDITION_and_the_delegation_is_unchanged()
    {
        await secretariat.Register(Ega, "seoul", "First", ParticipantRole.VotingDelegate);
        var before = await secretariat.GetDelegation(Ega, "seoul");

        var error = await Assert.ThrowsAsync<RpcException>(() => secretariat.Register(Ega, "seoul", "Second", ParticipantRole.VotingDelegate));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("already has a voting delegate: First", error.Status.Detail);
        Assert.Equal(before, await secretariat.GetDelegation(Ega, "seoul"));
    }

    public static TheoryData<string, string, string> BadNames => new()
    {
        { "empty given name", "", "" },
        { "blank given name", "   ", "" },
        { "10,000-character given name", new string('가', 10_000), "" },
        { "10,000-character family name", "Min-ji", new string('K', 10_000) },
        { "given name with a line break", "Min\nji", "" },
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task Empty_or_overlong_names_are_INVALID_ARGUMENT_and_nothing_is_registered(string _, string givenName, string familyName)
    {
        await secretariat.Register(Ega, "seoul", "Existing", ParticipantRole.Observer);
        var before = await secretariat.GetDelegation(Ega, "seoul");

        var error = await Assert.ThrowsAsync<RpcException>(() => secretariat.Register(Ega, "seoul", givenName, ParticipantRole.Advisor, familyName));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("name", error.Status.Detail);
        Assert.Equal(before, await secretariat.GetDelegation(Ega, "seoul"));
    }

    [Fact]
    public async Task Names_in_any_script_are_kept_as_written()
    {
        var names = new[] { ("민지", "김"), ("José", "Müller-Lüdenscheidt"), ("Улаан", "Баатар"), ("Soekarno", "") };

        foreach (var (given, family) in names)
            await secretariat.Register(Ega, "ulaanbaatar", given, ParticipantRole.Observer, family);

        var stored = (await secretariat.GetDelegation(Ega, "ulaanbaatar")).Participants;
        Assert.Equal(names, stored.Select(p => (p.GivenName, p.FamilyName)));
    }

    [Fact]
    public async Task Unknown_cities_and_assemblies_are_NOT_FOUND_and_nothing_is_created()
    {
        Assert.Equal(StatusCode.NotFound, await StatusOf(() => secretariat.Register(Ega, "atlantis", "A", ParticipantRole.Observer)));
        Assert.Equal(StatusCode.NotFound, await StatusOf(() => secretariat.Register("ga-1999", "seoul", "A", ParticipantRole.Observer)));
        Assert.Equal(StatusCode.NotFound, await StatusOf(() => secretariat.SubmitCredentials(Ega, "atlantis", AccreditationCalls.Pdf, "a.pdf")));
        Assert.Equal(StatusCode.NotFound, await StatusOf(() => secretariat.GetDelegation(Ega, "atlantis")));
        Assert.Equal(StatusCode.NotFound, await StatusOf(() => secretariat.GetDelegation("ga-1999", "seoul")));
        Assert.Equal(StatusCode.NotFound, await StatusOf(() => secretariat.RecordProxy(Ega, "atlantis", "seoul")));
        Assert.Equal(StatusCode.NotFound, await StatusOf(() => secretariat.ListDelegations(new() { AssemblyId = "ga-1999" })));
        Assert.Equal(StatusCode.NotFound, await StatusOf(() => secretariat.ListProxies("ga-1999")));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => secretariat.ListProxies("GA 1999")));
        Assert.Equal(StatusCode.NotFound, await StatusOf(() => secretariat.Review("ega-2023.seoul.p1", AccreditationDecision.Approve)));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => secretariat.Register(Ega, "Atlantis City", "A", ParticipantRole.Observer)));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => secretariat.Review("seoul-1", AccreditationDecision.Approve)));

        Assert.Empty((await secretariat.ListDelegations(new() { AssemblyId = Ega })).Delegations);
        Assert.Empty((await secretariat.GetDelegation(Ega, "seoul")).Participants);   // a known city: empty, not NOT_FOUND
    }

    [Fact]
    public async Task Approval_needs_the_letter_and_rejection_a_reason()
    {
        var person = await secretariat.Register(Ega, "busan", "Ji-soo", ParticipantRole.VotingDelegate, "Park");

        var noLetter = await Assert.ThrowsAsync<RpcException>(() => secretariat.Review(person.Participant.Id, AccreditationDecision.Approve));
        var noReason = await Assert.ThrowsAsync<RpcException>(() => secretariat.Review(person.Participant.Id, AccreditationDecision.Reject, " "));
        var noDecision = await Assert.ThrowsAsync<RpcException>(() => secretariat.Review(person.Participant.Id, AccreditationDecision.Unspecified));
        var noBadge = await Assert.ThrowsAsync<RpcException>(() => secretariat.IssueBadge(person.Participant.Id));

        Assert.Equal((StatusCode.FailedPrecondition, StatusCode.InvalidArgument, StatusCode.InvalidArgument, StatusCode.FailedPrecondition),
            (noLetter.StatusCode, noReason.StatusCode, noDecision.StatusCode, noBadge.StatusCode));
        Assert.Contains("credentials letter", noLetter.Status.Detail);
        Assert.Equal(AccreditationStatus.Submitted, (await secretariat.GetDelegation(Ega, "busan")).Participants[0].AccreditationStatus);
    }

    [Fact]
    public async Task A_rejected_participant_and_a_revoked_badge_are_refused_at_the_door_and_presence_is_unchanged()
    {
        var rejectedBadge = await secretariat.BadgedAsync(Ega, "seoul");
        var replacedBadge = await secretariat.BadgedAsync(Ega, "busan");
        var current = await secretariat.IssueBadge(replacedBadge.Participant.Id);
        Assert.True(current.ReplacedEarlierBadge);
        Assert.Equal(replacedBadge.BadgeNumber, current.BadgeNumber);
        var rejected = await secretariat.Review(rejectedBadge.Participant.Id, AccreditationDecision.Reject, "Not named in the credentials letter.");
        Assert.Equal("Not named in the credentials letter.", rejected.RejectionReason);

        var rejectedScan = await Assert.ThrowsAsync<RpcException>(() => door.CheckIn(rejectedBadge.QrSecret));
        var revokedScan = await Assert.ThrowsAsync<RpcException>(() => door.CheckIn(replacedBadge.QrSecret));
        var unknownScan = await Assert.ThrowsAsync<RpcException>(() => door.CheckIn("WGB1-not-a-badge-of-ours-at-all-xx"));
        var emptyScan = await Assert.ThrowsAsync<RpcException>(() => door.CheckIn(""));

        Assert.Equal(StatusCode.FailedPrecondition, rejectedScan.StatusCode);
        Assert.Contains("rejected", rejectedScan.Status.Detail);
        Assert.Equal(StatusCode.NotFound, revokedScan.StatusCode);
        Assert.Contains("revoked", revokedScan.Status.Detail);
        Assert.Equal(StatusCode.NotFound, unknownScan.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, emptyScan.StatusCode);
        Assert.Equal(0, (await QuorumAsync()).Present);
        Assert.All((await secretariat.ListDelegations(new() { AssemblyId = Ega })).Delegations.SelectMany(d => d.Participants),
            p => Assert.Equal(PresenceStatus.NotArrived, p.Presence));
        Assert.True((await door.CheckIn(current.QrSecret)).Changed);
    }

    [Fact]
    public async Task A_door_of_one_assembly_refuses_a_badge_of_another_and_changes_nothing()
    {
        var badge = await secretariat.BadgedAsync(Ega, "seoul");

        var otherDoorIn = await Assert.ThrowsAsync<RpcException>(() => door.CheckIn(badge.QrSecret, door: "ga-2023"));
        var otherDoorOut = await Assert.ThrowsAsync<RpcException>(() => door.CheckOut(badge.QrSecret, door: "ga-2023"));
        var badDoor = await Assert.ThrowsAsync<RpcException>(() => door.CheckIn(badge.QrSecret, door: "Not An Id"));

        Assert.Equal((StatusCode.FailedPrecondition, StatusCode.FailedPrecondition), (otherDoorIn.StatusCode, otherDoorOut.StatusCode));
        Assert.Contains($"This badge is for another assembly (\"{Ega}\"), not \"ga-2023\"; nothing was changed.", otherDoorIn.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, badDoor.StatusCode);
        Assert.Equal(0, (await QuorumAsync()).Present);
        Assert.Equal(PresenceStatus.NotArrived, (await secretariat.GetDelegation(Ega, "seoul")).Participants.Single().Presence);

        Assert.True((await door.CheckIn(badge.QrSecret, door: Ega)).Changed);
        Assert.Equal(1, (await QuorumAsync()).Present);
    }

    [Fact]
    public async Task A_participant_issues_their_own_badge_once_approved_but_never_another_persons()
    {
        var printed = await secretariat.BadgedAsync(Ega, "seoul");
        var holder = await server.ParticipantAsync(await server.IssueAccessCodeAsync(
            new ParticipantRef(printed.Participant.Id, Ega, "seoul", printed.Participant.GivenName)));
        var colleague = await secretariat.Register(Ega, "seoul", "Ha-eun", ParticipantRole.Advisor, "Lee");
        var colleagueApi = await server.ParticipantAsync(colleague.AccessCode);

        var notYetApproved = await Assert.ThrowsAsync<RpcException>(() => colleagueApi.IssueBadge(colleague.Participant.Id));
        var someoneElse = await Assert.ThrowsAsync<RpcException>(() => colleagueApi.IssueBadge(printed.Participant.Id));
        Assert.Equal((StatusCode.FailedPrecondition, StatusCode.PermissionDenied), (notYetApproved.StatusCode, someoneElse.StatusCode));
        Assert.Contains("not approved yet", notYetApproved.Status.Detail);
        Assert.Contains("or to be that participant", someoneElse.Status.Detail);
        Assert.True((await door.CheckIn(printed.QrSecret)).Changed);   // the refused call revoked nothing

        await secretariat.Review(colleague.Participant.Id, AccreditationDecision.Approve);
        var colleagueBadge = await colleagueApi.IssueBadge(colleague.Participant.Id);
        var reissued = await holder.IssueBadge(printed.Participant.Id);

        Assert.Equal(AccreditationStatus.BadgeIssued, colleagueBadge.Participant.AccreditationStatus);
        Assert.True((await door.CheckIn(colleagueBadge.QrSecret)).Changed);
        Assert.True(reissued.ReplacedEarlierBadge);
        Assert.Equal(printed.BadgeNumber, reissued.BadgeNumber);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => door.CheckOut(printed.QrSecret))).StatusCode);
        Assert.True((await door.CheckOut(reissued.QrSecret)).Changed);
    }

    [Fact]
    public async Task Rejecting_a_participant_in_the_hall_checks_them_out_of_the_quorum()
    {
        var badge = await secretariat.BadgedAsync(Ega, "seoul");
        await door.CheckIn(badge.QrSecret);
        Assert.Equal(1, (await QuorumAsync()).Present);

        var rejected = await secretariat.Review(badge.Participant.Id, AccreditationDecision.Reject, "Credentials letter withdrawn by the city.");

        Assert.Equal((AccreditationStatus.Rejected, PresenceStatus.CheckedOut), (rejected.AccreditationStatus, rejected.Presence));
        Assert.Equal(0, (await QuorumAsync()).Present);
    }

    [Fact]
    public async Task A_proxy_chain_or_a_second_proxy_is_FAILED_PRECONDITION_and_the_proxies_are_unchanged()
    {
        var proxy = await secretariat.RecordProxy(Ega, "lima", "seoul");
        Proxy[] Standing(Delegation d) => [.. d.ProxiesHeld, .. d.ProxyGiven is { } given ? [given] : Array.Empty<Proxy>()];
        var before = new Dictionary<string, Proxy[]>();
        foreach (var city in new[] { "lima", "seoul", "busan" })
            before[city] = Standing(await secretariat.GetDelegation(Ega, city));

        var chainUp = await Assert.ThrowsAsync<RpcException>(() => secretariat.RecordProxy(Ega, "seoul", "busan"));
        var chainDown = await Assert.ThrowsAsync<RpcException>(() => secretariat.RecordProxy(Ega, "busan", "lima"));
        var second = await Assert.ThrowsAsync<RpcException>(() => secretariat.RecordProxy(Ega, "lima", "busan"));
        var full = await Assert.ThrowsAsync<RpcException>(() => secretariat.RecordProxy(Ega, "busan", "seoul"));
        var unpaid = await Assert.ThrowsAsync<RpcException>(() => secretariat.RecordProxy(Ega, "jeonju", "busan"));
        var self = await Assert.ThrowsAsync<RpcException>(() => secretariat.RecordProxy(Ega, "busan", "busan"));

        Assert.All([chainUp, chainDown, second, full, unpaid], e => Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode));
        Assert.Contains("no chains", chainUp.Status.Detail);
        Assert.Contains("no chains", chainDown.Status.Detail);
        Assert.Contains("not voting-eligible", unpaid.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, self.StatusCode);
        foreach (var (city, proxies) in before)
            Assert.Equal(proxies, Standing(await secretariat.GetDelegation(Ega, city)));

        await secretariat.RevokeProxy(proxy.Id);
        Assert.Equal(StatusCode.FailedPrecondition, await StatusOf(() => secretariat.RevokeProxy(proxy.Id)));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => secretariat.RevokeProxy("lima")));
    }

    [Fact]
    public async Task Proxies_are_FAILED_PRECONDITION_at_an_assembly_that_does_not_allow_them()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => secretariat.RecordProxy("ga-2023", "lima", "seoul"));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("do not allow proxies", error.Status.Detail);
    }

    [Fact]
    public async Task Delegations_page_in_member_city_order_and_filter_by_status()
    {
        foreach (var city in new[] { "quito", "busan", "seoul", "lima", "ulaanbaatar" })
            await secretariat.Register(Ega, city, "A", ParticipantRole.Observer);
        await secretariat.BadgedAsync(Ega, "lima");

        var ids = new List<string>();
        var token = "";
        do
        {
            var page = await door.ListDelegations(new() { AssemblyId = Ega, PageSize = 2, PageToken = token });
            Assert.True(page.Delegations.Count <= 2);
            ids.AddRange(page.Delegations.Select(d => d.MemberCityId));
            token = page.NextPageToken;
        } while (token.Length > 0);
        var badged = await door.ListDelegations(new() { AssemblyId = Ega, AccreditationStatus = AccreditationStatus.BadgeIssued });

        Assert.Equal(["busan", "lima", "quito", "seoul", "ulaanbaatar"], ids);
        Assert.Equal(["lima"], badged.Delegations.Select(d => d.MemberCityId));
        Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => door.ListDelegations(new() { AssemblyId = Ega, PageSize = 201 })));
    }

    [Fact]
    public async Task The_exports_are_UTF8_CSV_with_every_participant_and_the_attendance()
    {
        var seoul = await secretariat.BadgedAsync(Ega, "seoul", givenName: "세훈");
        await secretariat.Register(Ega, "ulaanbaatar", "Улаан", ParticipantRole.Observer, "Баатар, \"Jr.\"");
        await secretariat.Register(Ega, "busan", "=HYPERLINK(\"http://evil\")", ParticipantRole.Advisor);
        await door.CheckIn(seoul.QrSecret);
        await door.CheckOut(seoul.QrSecret);
        await door.CheckIn(seoul.QrSecret);

        var delegations = (await secretariat.ExportDelegations(Ega)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var present = (await secretariat.ExportAttendance(Ega, AttendanceView.PresentNow)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var history = (await secretariat.ExportAttendance(Ega, AttendanceView.History)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("member_city_id,member_city_name,participant_id,given_name,family_name,role,", delegations[0]);
        Assert.Equal(4, delegations.Length);
        Assert.StartsWith("busan,Busan,ega-2023.busan.p1,\"'=HYPERLINK(\"\"http://evil\"\")\",", delegations[1]);   // a formula is defused
        Assert.StartsWith($"seoul,Seoul,{seoul.Participant.Id},세훈,김,voting_delegate,false,", delegations[2]);
        Assert.Contains(",badge_issued,,GA23-0001,checked_in,", delegations[2]);
        Assert.StartsWith("ulaanbaatar,Ulaanbaatar,ega-2023.ulaanbaatar.p1,Улаан,\"Баатар, \"\"Jr.\"\"\",observer,", delegations[3]);
        Assert.Equal(2, present.Length);
        Assert.StartsWith($"seoul,Seoul,{seoul.Participant.Id},세훈,김,voting_delegate,GA23-0001,", present[1]);
        Assert.Equal(["checked_in", "checked_out", "checked_in"], history.Skip(1).Select(l => l.Split(',')[2]));
        Assert.All(history.Skip(1), l => Assert.Contains(",staff:east-door,", l));
    }
}

public sealed class SqliteAccreditationEndToEndTests : AccreditationEndToEndTests
{
    private readonly TempSqliteFile file = new();

    protected override Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path });

    protected override Task CleanUpAsync()
    {
        file.Dispose();
        return Task.CompletedTask;
    }
}

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresAccreditationEndToEndTests(PostgresCluster cluster) : AccreditationEndToEndTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}
