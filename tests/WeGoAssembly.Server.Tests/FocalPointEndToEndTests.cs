using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;
using Assembly = WeGoAssembly.Protos.V1.Assembly;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// A member city's focal point through the real host: invited by e-mail (a real SMTP inbox), signed in by the link's
/// code, registers a delegation of three with a photo and a passport, asks a visa letter for one, uploads the letter and
/// submits; the secretariat approves and issues; the focal point reads their people's data and documents and nothing
/// else, and a new invitation retires the old code. On one database engine per subclass.
/// </summary>
public abstract class FocalPointEndToEndTests : IAsyncLifetime
{
    private const string Ga = "fp-2027", Closed = "fp-2023", Site = "https://ga.example.org";

    private readonly SmtpInbox inbox = new();
    private WeGoServer server = null!;
    private SampleApi secretariat = null!;

    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await inbox.StartAsync();
        var settings = new Dictionary<string, string?>(await FreshDatabaseAsync()) { ["Jobs:PollInterval"] = "00:00:00.200" };
        foreach (var (key, value) in inbox.MailSettings(new Uri(Site)))
            settings[key] = value;
        server = await WeGoServer.StartAsync(settings);
        secretariat = await server.SecretariatAsync();
        await secretariat.CreateAssembly(new Assembly
        {
            Id = Ga, Title = "WeGO 8th General Assembly", Venue = "Seoul City Hall", Year = 2027, TimeZone = "Asia/Seoul", StartsOn = "2027-09-07", EndsOn = "2027-09-09",
        });
        await secretariat.CreateAssembly(new Assembly
        {
            Id = Closed, Title = "WeGO 6th General Assembly", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul", StartsOn = "2023-09-05", EndsOn = "2023-09-07",
        });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await inbox.DisposeAsync();
        await CleanUpAsync();
    }

    private Task<InviteFocalPointResponse> InviteAsync(string assemblyId, string email, string language = "en") =>
        secretariat.Unary<InviteFocalPointRequest, InviteFocalPointResponse>(AccreditationCalls.Service + "InviteFocalPoint", new()
        {
            AssemblyId = assemblyId, MemberCityId = "seoul", FocalPoint = new() { Name = "Lee Su-jin", Email = email, Language = language },
        });

    private static Task<SubmitDelegationResponse> SubmitAsync(SampleApi api, string assemblyId) =>
        api.Unary<SubmitDelegationRequest, SubmitDelegationResponse>(AccreditationCalls.Service + "SubmitDelegation", new() { AssemblyId = assemblyId, MemberCityId = "seoul" });

    [Fact]
    public async Task A_focal_point_registers_a_delegation_of_three_with_a_visa_letter_and_the_secretariat_approves()
    {
        var invited = await InviteAsync(Ga, "focal@seoul.example.org", language: "ko");
        Assert.Equal($"{Site}/signin?code={Uri.EscapeDataString(invited.AccessCode)}", invited.SignInUrl);
        var mail = await inbox.ForAsync("focal@seoul.example.org", TimeSpan.FromSeconds(30));
        Assert.Contains("대표단 등록", mail.Subject);
        Assert.Contains(invited.SignInUrl, mail.TextBody);

        var focal = await server.ParticipantAsync(invited.AccessCode);
        Assert.Equal([UserRole.FocalPoint], focal.Session!.Roles);
        // Sent, its code erased: a re-send cannot carry it.
        var sent = (await secretariat.Unary<ListNotificationsRequest, ListNotificationsResponse>("/wego.assembly.v1.NotificationService/ListNotifications",
            new() { Recipient = "focal@seoul.example.org" })).Notifications.Single();
        for (var wait = System.Diagnostics.Stopwatch.StartNew(); sent.Status != NotificationStatus.Sent && wait.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100))
            sent = (await secretariat.Unary<ListNotificationsRequest, ListNotificationsResponse>("/wego.assembly.v1.NotificationService/ListNotifications",
                new() { Recipient = "focal@seoul.example.org" })).Notifications.Single();
        var resend = await Assert.ThrowsAsync<RpcException>(() => secretariat.Unary<ResendNotificationRequest, ResendNotificationResponse>(
            "/wego.assembly.v1.NotificationService/ResendNotification", new() { Id = sent.Id }));
        Assert.Equal(StatusCode.FailedPrecondition, resend.StatusCode);
        Assert.Contains("invite the focal point again", resend.Status.Detail);

        var head = (await focal.Register(Ga, "seoul", "민지", ParticipantRole.VotingDelegate, familyName: "김", head: true)).Participant;
        var alternate = (await focal.Register(Ga, "seoul", "준호", ParticipantRole.Alternate, familyName: "박")).Participant;
        var advisor = (await focal.Register(Ga, "seoul", "Anna", ParticipantRole.Advisor, familyName: "Schmidt")).Participant;
        await focal.UpdatePersonalDetails(advisor.Id, new()
        {
            GivenNameLatin = "Anna", FamilyNameLatin = "Schmidt",
            Passport = new() { Number = "C01X00T47", Nationality = "DEU", DateOfBirth = "1975-02-14", ExpiresOn = "2030-06-30" },
        });
        await focal.UploadPhoto(head.Id, DocumentEndToEndTests.Png(400, 500));
        await focal.RequestVisaLetter(advisor.Id);

        var early = await Assert.ThrowsAsync<RpcException>(() => SubmitAsync(focal, Ga));
        Assert.Equal(StatusCode.FailedPrecondition, early.StatusCode);
        Assert.Contains("credentials letter", early.Status.Detail);
        await focal.SubmitCredentials(Ga, "seoul", AccreditationCalls.Pdf, "credentials.pdf");
        var (member, _) = await MemberOfSeoulAsync(head.Id);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => SubmitAsync(member, Ga))).StatusCode);   // the focal point's to do
        var submitted = (await SubmitAsync(focal, Ga)).Delegation;
        Assert.NotNull(submitted.SubmittedForReviewAt);
        Assert.Equal("Lee Su-jin", submitted.FocalPoint.Name);
        Assert.Equal(3, submitted.Participants.Count);

        foreach (var p in new[] { head, alternate, advisor })
            await secretariat.Review(p.Id, AccreditationDecision.Approve);
        var letter = await secretariat.DecideVisaLetter(advisor.Id, issue: true);
        var badge = await secretariat.IssueBadge(head.Id);

        // The focal point reads their people's data and documents.
        Assert.Equal("C01X00T47", (await focal.GetPersonalDetails(advisor.Id)).Details.Passport.Number);
        Assert.True((await focal.GetPersonalDetails(head.Id)).HasPhoto);
        var letterPdf = await DocumentEndToEndTests.DocumentAsync(focal, advisor.Id, DocumentKind.VisaLetter);
        Assert.True(letterPdf.Pdf.Length > 1000);
        Assert.True((await server.Anonymous.VerifyVisaLetter(Uri.UnescapeDataString(letter.VerificationUrl[(letter.VerificationUrl.LastIndexOf('/') + 1)..]))).Valid);
        Assert.True((await DocumentEndToEndTests.DocumentAsync(focal, head.Id, DocumentKind.Badge)).Pdf.Length > 1000);

        // Travel, for the arrivals board.
        var arrival = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = new DateTimeOffset(2027, 9, 6, 14, 10, 0, TimeSpan.FromHours(9)).ToUnixTimeSeconds() };
        await focal.SubmitItinerary(new Itinerary
        {
            ParticipantId = advisor.Id, NeedsAirportPickup = true, Arrival = new() { FlightNumber = "LH712", AirportCode = "ICN", ScheduledAt = arrival },
        });
        var board = await secretariat.ListArrivals(new() { AssemblyId = Ga });
        Assert.Contains(board.Groups.SelectMany(g => g.Arrivals), a => a.ParticipantId == advisor.Id);

        // ... and nothing that is not theirs to do.
        var (_, other) = await OtherCityAsync();
        foreach (var (call, what) in new (Func<Task>, string)[]
        {
            (() => focal.GetPersonalDetails(other), "another city's participant"),
            (() => focal.Review(head.Id, AccreditationDecision.Reject, "no"), "a review"),
            (() => focal.IssueBadge(head.Id), "a badge"),
            (() => focal.DecideVisaLetter(advisor.Id, issue: false, reason: "no"), "a letter decision"),
            (() => focal.GetDelegation(Ga, "busan"), "another delegation"),
            (() => focal.SubmitItinerary(new Itinerary { ParticipantId = other }), "another city's travel"),
            (() => focal.Unary<CastVoteRequest, CastVoteResponse>("/wego.assembly.v1.VotingService/CastVote", new() { BallotId = $"{Ga}.b1", MemberCityId = "seoul", MotionChoice = MotionChoice.Yes }), "a vote"),
        })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(call);
            Assert.True(refused.StatusCode == StatusCode.PermissionDenied, $"{what}: {refused.Status}");
        }

        // A new invitation retires the old code and the sessions it opened.
        var replaced = await InviteAsync(Ga, "new-focal@seoul.example.org");
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.RedeemAccessCode(invited.AccessCode))).StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => focal.GetDelegation(Ga, "seoul"))).StatusCode);
        var successor = await server.ParticipantAsync(replaced.AccessCode);
        Assert.Equal(3, (await successor.GetDelegation(Ga, "seoul")).Participants.Count);
    }

    [Fact]
    public async Task After_registration_closes_a_focal_point_can_neither_register_nor_submit_and_bad_invitations_change_nothing()
    {
        var focal = await server.ParticipantAsync((await InviteAsync(Closed, "late@seoul.example.org")).AccessCode);
        var late = await Assert.ThrowsAsync<RpcException>(() => focal.Register(Closed, "seoul", "민지", ParticipantRole.Observer));
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
        Assert.Contains("closed", late.Status.Detail);
        await secretariat.Register(Closed, "seoul", "민지", ParticipantRole.Observer);   // the secretariat still may
        await secretariat.SubmitCredentials(Closed, "seoul", AccreditationCalls.Pdf, "credentials.pdf");
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => SubmitAsync(focal, Closed))).StatusCode);
        Assert.NotNull((await SubmitAsync(secretariat, Closed)).Delegation.SubmittedForReviewAt);   // the secretariat still may

        foreach (var (focalPoint, field) in new (FocalPoint, string)[]
        {
            (new() { Name = "", Email = "a@b.org" }, "focal_point.name"),
            (new() { Name = "Lee", Email = "not an address" }, "focal_point.email"),
            (new() { Name = "Lee", Email = "a@b.org", Language = "fr" }, "focal_point.language"),
        })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => secretariat.Unary<InviteFocalPointRequest, InviteFocalPointResponse>(
                AccreditationCalls.Service + "InviteFocalPoint", new() { AssemblyId = Ga, MemberCityId = "seoul", FocalPoint = focalPoint }));
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Contains(field.Split('.')[1], refused.Status.Detail);
        }
        Assert.Null((await secretariat.GetDelegation(Ga, "seoul")).FocalPoint);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => secretariat.Unary<InviteFocalPointRequest, InviteFocalPointResponse>(
            AccreditationCalls.Service + "InviteFocalPoint", new() { AssemblyId = Ga, MemberCityId = "atlantis", FocalPoint = new() { Name = "Lee", Email = "a@b.org" } }))).StatusCode);
    }

    /// <summary>A participant of Seoul's delegation signed in with a fresh code of their own.</summary>
    private async Task<(SampleApi Api, string Id)> MemberOfSeoulAsync(string participantId) =>
        (await server.ParticipantAsync(await server.IssueAccessCodeAsync(new(participantId, Ga, "seoul", "Member"))), participantId);

    private async Task<(SampleApi Api, string Id)> OtherCityAsync()
    {
        var registered = await secretariat.Register(Ga, "busan", "Ji-soo", ParticipantRole.VotingDelegate, "Park");
        return (await server.ParticipantAsync(registered.AccessCode), registered.Participant.Id);
    }
}

public sealed class SqliteFocalPointEndToEndTests : FocalPointEndToEndTests
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
public sealed class PostgresFocalPointEndToEndTests(PostgresCluster cluster) : FocalPointEndToEndTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}
