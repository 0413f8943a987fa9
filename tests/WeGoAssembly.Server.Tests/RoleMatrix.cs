using Microsoft.Extensions.DependencyInjection;
using Google.Protobuf;
using WeGoAssembly.Contracts.Auth;
using Grpc.Core;
using WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Tests;

/// <summary>The five kinds of caller every rpc is tried with.</summary>
public enum MatrixCaller { Anonymous, ParticipantOfTheCity, ParticipantOfAnotherCity, Logistics, Secretariat }

/// <summary>
/// The expected status per caller; OK means allowed (and the call must succeed). The "city" is
/// <see cref="MatrixContext.City"/>'s delegation; request factories aim delegation-scoped requests at it.
/// </summary>
public sealed record Access(StatusCode Anonymous, StatusCode ParticipantOfTheCity, StatusCode ParticipantOfAnotherCity, StatusCode Logistics, StatusCode Secretariat)
{
    private const StatusCode OK = StatusCode.OK, No = StatusCode.PermissionDenied, Unauthenticated = StatusCode.Unauthenticated;

    /// <summary>Callable without a token (sign-in).</summary>
    public static Access Anyone { get; } = new(OK, OK, OK, OK, OK);

    /// <summary>Any signed-in user: reads of the register and assemblies.</summary>
    public static Access SignedIn { get; } = new(Unauthenticated, OK, OK, OK, OK);

    /// <summary>The secretariat alone: the register, assemblies, staff accounts, reviews, proxies.</summary>
    public static Access SecretariatOnly { get; } = new(Unauthenticated, No, No, No, OK);

    /// <summary>Logistics staff and the secretariat.</summary>
    public static Access StaffOnly { get; } = new(Unauthenticated, No, No, OK, OK);

    /// <summary>The secretariat and the participants of the city's own delegation.</summary>
    public static Access OwnDelegation { get; } = new(Unauthenticated, OK, No, No, OK);

    public StatusCode For(MatrixCaller caller) => caller switch
    {
        MatrixCaller.Anonymous => Anonymous,
        MatrixCaller.ParticipantOfTheCity => ParticipantOfTheCity,
        MatrixCaller.ParticipantOfAnotherCity => ParticipantOfAnotherCity,
        MatrixCaller.Logistics => Logistics,
        MatrixCaller.Secretariat => Secretariat,
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };
}

/// <summary>What a request factory may use: the server, the secretariat (for set-up), the two participants, unique ids.</summary>
public sealed class MatrixContext(WeGoServer server, SampleApi secretariat, MatrixCaller caller)
{
    private static int counter;

    /// <summary>The participant whose city the matrix's "participant of the city" belongs to.</summary>
    public static ParticipantRef City { get; } = new("p-seoul-1", "ga-2023", "seoul", "김민지 Kim Min-ji");

    /// <summary>A participant of another city of the same assembly.</summary>
    public static ParticipantRef OtherCity { get; } = new("p-busan-1", "ga-2023", "busan", "Park Ji-soo");

    public WeGoServer Server => server;

    /// <summary>Signed in as the secretariat, for arranging what a request needs (never for the call under test).</summary>
    public SampleApi Secretariat => secretariat;

    /// <summary>Who makes the call under test.</summary>
    public MatrixCaller Caller => caller;

    /// <summary>A fresh slug such as "matrix-17", so that creating calls succeed each time they are allowed.</summary>
    public string Unique(string prefix = "matrix") => $"{prefix}-{Interlocked.Increment(ref counter)}";
}

/// <summary>
/// One row of the role matrix: an rpc ("Service/Method", as in the proto), how to build its request, and
/// the expected status per caller. Add a row for every rpc a service serves; RoleMatrixTests fails for
/// any served rpc without one.
/// </summary>
public sealed record RoleMatrixRow(string Method, Func<MatrixContext, Task<IMessage>> Request, Access Expected)
{
    public override string ToString() => Method;
}

/// <summary>The table itself: every served rpc × every caller.</summary>
public static class RoleMatrix
{
    /// <summary>The password of the matrix's logistics account.</summary>
    public const string LogisticsPassword = "matrix logistics password";

    private static RoleMatrixRow Row(string method, Access expected, Func<MatrixContext, IMessage> request) =>
        new(method, c => Task.FromResult(request(c)), expected);

    private static RoleMatrixRow Row(string method, Access expected, Func<MatrixContext, Task<IMessage>> request) =>
        new(method, request, expected);

    /// <summary>A message of the delivery log: registering someone queues their access-code e-mail.</summary>
    private static async Task<long> NotificationAsync(MatrixContext c)
    {
        await SubmittedAsync(c);
        return (await c.Server.Services.GetRequiredService<WeGoAssembly.Storage.Notifications.NotificationLog>().ListAsync(new(), null, 1)).Single().Id;
    }

    /// <summary>An observer registered in the city's delegation, with a letter on file: ready for review.</summary>
    private static async Task<string> SubmittedAsync(MatrixContext c)
    {
        var registered = await c.Secretariat.Register(MatrixContext.City.AssemblyId, MatrixContext.City.MemberCityId, "Matrix", ParticipantRole.Observer, c.Unique("reviewed"));
        await c.Secretariat.SubmitCredentials(MatrixContext.City.AssemblyId, MatrixContext.City.MemberCityId, AccreditationCalls.Pdf, "credentials.pdf");
        return registered.Participant.Id;
    }

    /// <summary>A fresh 2023 assembly that allows proxies, so that each allowed RecordProxy succeeds.</summary>
    /// <summary>
    /// The participant a self-or-staff request names: the caller itself for participants (the matrix's "city"
    /// participant; the other city's participant thus asks for someone else), a freshly badged participant for staff.
    /// </summary>
    private static async Task<string> SelfOrBadgedAsync(MatrixContext c) =>
        c.Caller is MatrixCaller.ParticipantOfTheCity or MatrixCaller.ParticipantOfAnotherCity
            ? MatrixContext.City.ParticipantId
            : (await c.Secretariat.ApprovedAsync("ga-2023", "seoul", c.Unique("rider"))).Id;

    /// <summary>A badged participant seated by staff on the sample Gwangjang Market visit (the assignment has run); returns the badge code.</summary>
    private static async Task<string> SeatedBadgeAsync(MatrixContext c)
    {
        var (id, badge) = await c.Secretariat.ApprovedAsync("ga-2023", "seoul", c.Unique("rider"));
        await c.Secretariat.RunAssignment("ga-2023");
        await c.Secretariat.MoveParticipant(new() { ParticipantId = id, ToSiteVisitId = "ga-2023.gwangjang-market", OverrideCapacity = true, Reason = "role matrix" });
        return badge;
    }

    private static async Task<string> AssemblyWithProxiesAsync(MatrixContext c) =>
        (await c.Secretariat.CreateAssembly(new()
        {
            Id = c.Unique("ga"), Title = "Matrix Assembly", Year = 2023, TimeZone = "Asia/Seoul",
            Rules = new() { ProxiesAllowed = true, MaxProxiesPerHolder = 1 },
        })).Id;

    private const string Agenda = "/wego.assembly.v1.AgendaService/", Voting = "/wego.assembly.v1.VotingService/";

    /// <summary>A fresh agenda item of the sample assembly; returns its id.</summary>
    private static async Task<string> AgendaItemAsync(MatrixContext c, string assemblyId = "ga-2023")
    {
        var number = c.Unique("item");
        return (await c.Secretariat.Unary<CreateAgendaItemRequest, CreateAgendaItemResponse>(Agenda + "CreateAgendaItem", new()
        {
            AgendaItem = new() { AssemblyId = assemblyId, Number = number, TitleEn = $"Motion {number}", TitleKo = $"안건 {number}", Kind = AgendaItemKind.Decision },
        })).AgendaItem.Id;
    }

    /// <summary>A draft motion ballot on a fresh agenda item of the sample assembly (nobody is present there, so it cannot open).</summary>
    private static async Task<string> DraftBallotAsync(MatrixContext c) =>
        (await c.Secretariat.Unary<CreateBallotRequest, CreateBallotResponse>(Voting + "CreateBallot", new()
        {
            Ballot = new()
            {
                AgendaItemId = await AgendaItemAsync(c), QuestionEn = "Adopt the matrix motion?", Kind = BallotKind.Motion,
                MajorityRule = MajorityRule.SimpleMajorityOfVotesCast, Method = BallotMethod.Secret,
            },
        })).Ballot.Id;

    /// <summary>A freshly accredited participant of the city, to ask for the floor on their behalf.</summary>
    private static async Task<string> SpeakerAsync(MatrixContext c) =>
        (await c.Secretariat.ApprovedAsync("ga-2023", "seoul", c.Unique("speaker"))).Id;

    /// <summary>A fresh agenda item with one request waiting, made by the secretariat for a fresh participant.</summary>
    private static async Task<(string Item, string Request)> FloorRequestAsync(MatrixContext c)
    {
        var item = await AgendaItemAsync(c);
        var queued = await c.Secretariat.RequestFloor(item, SpeechKind.Speak, await SpeakerAsync(c));
        return (item, queued.Request.Id);
    }

    /// <summary>A fresh agenda item whose floor is given (the timer runs).</summary>
    private static async Task<string> FloorGivenAsync(MatrixContext c)
    {
        var (item, request) = await FloorRequestAsync(c);
        await c.Secretariat.GiveFloor(item, request);
        return item;
    }

    /// <summary>A fresh decision item with a tabled motion, the city's delegation accredited; returns the item.</summary>
    private static async Task<string> MotionAsync(MatrixContext c)
    {
        var item = await AgendaItemAsync(c);
        await c.Secretariat.SetMotionText(item, "The matrix motion.", "Its second paragraph.");
        await SpeakerAsync(c);
        return item;
    }

    /// <summary>A fresh motion with amendment a1 from the city's delegation, submitted by the secretariat (and admitted when told).</summary>
    private static async Task<string> AmendedMotionAsync(MatrixContext c, bool admit)
    {
        var item = await MotionAsync(c);
        await c.Secretariat.SubmitAmendment(item, MatrixContext.City.MemberCityId, AmendmentKind.Delete, "p2", "", "Matrix.");
        if (admit)
            await c.Secretariat.DecideAmendment(item, "a1", admit: true, "");
        return item;
    }

    /// <summary>Streams that never end on their own (watching a draft ballot, the quorum) end at the matrix's deadline once auth let them through.</summary>
    private static readonly Access Watching = new(StatusCode.Unauthenticated, StatusCode.DeadlineExceeded, StatusCode.DeadlineExceeded, StatusCode.DeadlineExceeded, StatusCode.DeadlineExceeded);

    /// <summary>The participant a self-or-secretariat request names: the caller's own id for participants, else a freshly registered one, set up as the secretariat.</summary>
    private static async Task<string> PersonAsync(MatrixContext c, Func<SampleApi, string, Task>? setUp = null, bool always = false)
    {
        if (!always && c.Caller is MatrixCaller.ParticipantOfTheCity or MatrixCaller.ParticipantOfAnotherCity)
            return MatrixContext.City.ParticipantId;
        var id = await SubmittedAsync(c);
        if (setUp is not null)
            await setUp(c.Secretariat, id);
        return id;
    }

    /// <summary>The participant themselves (refused as malformed: the matrix's participants are not registered) or the secretariat.</summary>
    private static Access SelfOrSecretariat { get; } = new(StatusCode.Unauthenticated, StatusCode.InvalidArgument, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.OK);

    private static readonly byte[] PhotoPng = DocumentEndToEndTests.Png(300, 400);

    private static Task WithPassport(SampleApi api, string id) => api.UpdatePersonalDetails(id, new()
    {
        GivenNameLatin = "Matrix", Passport = new() { Number = "X1234567", Nationality = "KOR", DateOfBirth = "1990-01-01", ExpiresOn = "2031-01-01" },
    });

    /// <summary>An issued visa letter; returns its verification address.</summary>
    private static async Task<string> IssuedLetterAsync(SampleApi api, string id)
    {
        await WithPassport(api, id);
        await api.RequestVisaLetter(id);
        return (await api.DecideVisaLetter(id, issue: true)).VerificationUrl;
    }

    public static IReadOnlyList<RoleMatrixRow> Rows { get; } =
    [
        // AuthService: signing in needs no token; managing staff is the secretariat's.
        Row("AuthService/SignIn", Access.Anyone, _ => new SignInRequest { UserName = WeGoServer.AdminUserName, Password = WeGoServer.AdminPassword }),
        Row("AuthService/RedeemAccessCode", Access.Anyone, async c => new RedeemAccessCodeRequest { AccessCode = await c.Server.IssueAccessCodeAsync(MatrixContext.City) }),
        Row("AuthService/UpsertStaffAccount", Access.SecretariatOnly, c => new UpsertStaffAccountRequest
        {
            Account = AuthEndToEndTests.Staff(c.Unique("staff"), "Matrix staff", UserRole.Logistics), Password = "matrix password 123",
        }),
        Row("AuthService/ListStaffAccounts", Access.SecretariatOnly, _ => new ListStaffAccountsRequest()),
        // Staff change their own password (here to the same one, so the matrix's accounts keep working).
        Row("AuthService/ChangePassword", Access.StaffOnly, c => c.Caller == MatrixCaller.Logistics
            ? new ChangePasswordRequest { CurrentPassword = LogisticsPassword, NewPassword = LogisticsPassword }
            : new ChangePasswordRequest { CurrentPassword = WeGoServer.AdminPassword, NewPassword = WeGoServer.AdminPassword }),

        // MembershipService: everyone signed in reads the register; the secretariat keeps it.
        Row("MembershipService/UpsertMemberCity", Access.SecretariatOnly, c => new UpsertMemberCityRequest
        {
            MemberCity = new() { Id = c.Unique("city"), NameEn = "Matrix City", CountryCode = "KR", Category = MemberCategory.Associate },
        }),
        Row("MembershipService/GetMemberCity", Access.SignedIn, _ => new GetMemberCityRequest { MemberCityId = "seoul" }),
        Row("MembershipService/ListMemberCities", Access.SignedIn, _ => new ListMemberCitiesRequest { PageSize = 5 }),
        Row("MembershipService/RecordDuesPayment", Access.SecretariatOnly, _ => new RecordDuesPaymentRequest { MemberCityId = "busan", PaidThroughYear = 2024 }),
        Row("MembershipService/ImportMemberCities", Access.SecretariatOnly, _ => new ImportMemberCitiesRequest
        {
            Csv = ByteString.CopyFromUtf8("id,name_en,name_local,country_code,category,dues_paid_through_year,status\nmatrix-import,Matrix,,KR,Full,2022,Active\n"),
            DryRun = true,
        }),
        Row("MembershipService/StreamMemberCities", Access.SignedIn, _ => new StreamMemberCitiesRequest { Category = MemberCategory.Corporate }),

        // AssemblyService: everyone signed in reads an assembly; the secretariat creates and sets its rules.
        Row("AssemblyService/CreateAssembly", Access.SecretariatOnly, c => new CreateAssemblyRequest
        {
            Assembly = new() { Id = c.Unique("ga"), Title = "Matrix Assembly", Year = 2027, TimeZone = "Asia/Seoul" },
        }),
        Row("AssemblyService/GetAssembly", Access.SignedIn, _ => new GetAssemblyRequest { AssemblyId = "ga-2023" }),
        Row("AssemblyService/ListAssemblies", Access.StaffOnly, _ => new ListAssembliesRequest()),
        Row("AssemblyService/UpdateAssemblyRules", Access.SecretariatOnly, async c =>
        {
            var current = await c.Secretariat.GetAssembly("ga-2023");   // the same rules again: allowed calls change nothing
            return new UpdateAssemblyRulesRequest { AssemblyId = current.Id, Year = current.Year, TimeZone = current.TimeZone, Rules = current.Rules };
        }),

        // AccreditationService: a participant registers people into, and files the letter of, its own delegation; the
        // secretariat reviews, badges, records proxies and exports; staff scan badges and list delegations; staff read
        // any delegation, a participant only its own.
        Row("AccreditationService/RegisterParticipant", Access.OwnDelegation, c => new RegisterParticipantRequest
        {
            AssemblyId = MatrixContext.City.AssemblyId, MemberCityId = MatrixContext.City.MemberCityId, GivenName = "Matrix", FamilyName = c.Unique("observer"),
            Email = "observer@seoul.example.org", Role = ParticipantRole.Observer,
        }),
        Row("AccreditationService/SubmitCredentials", Access.OwnDelegation, _ => new SubmitCredentialsRequest
        {
            AssemblyId = MatrixContext.City.AssemblyId, MemberCityId = MatrixContext.City.MemberCityId, Content = ByteString.CopyFrom(AccreditationCalls.Pdf), FileName = "credentials.pdf",
        }),
        Row("AccreditationService/ReviewAccreditation", Access.SecretariatOnly, async c =>
            new ReviewAccreditationRequest { ParticipantId = await SubmittedAsync(c), Decision = AccreditationDecision.Approve }),
        // A participant may badge only themselves; the matrix's participant ("p-seoul-1") is not a registered one, so the
        // call passes authorization and is then refused for its id.
        Row("AccreditationService/IssueBadge", new Access(StatusCode.Unauthenticated, StatusCode.InvalidArgument, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.OK),
            async c =>
            {
                if (c.Caller is MatrixCaller.ParticipantOfTheCity or MatrixCaller.ParticipantOfAnotherCity)
                    return new IssueBadgeRequest { ParticipantId = MatrixContext.City.ParticipantId };
                var id = await SubmittedAsync(c);
                await c.Secretariat.Review(id, AccreditationDecision.Approve);
                return new IssueBadgeRequest { ParticipantId = id };
            }),
        Row("AccreditationService/InviteFocalPoint", Access.SecretariatOnly, c => new InviteFocalPointRequest
        {
            AssemblyId = "ga-2023", MemberCityId = "seoul", FocalPoint = new() { Name = "Matrix focal point", Email = $"{c.Unique("focal")}@seoul.example.org" },
        }),
        // The focal point's (none in the matrix) or the secretariat's: a participant of the city may not submit it.
        Row("AccreditationService/SubmitDelegation", Access.SecretariatOnly, async c =>
        {
            await SubmittedAsync(c);
            return new SubmitDelegationRequest { AssemblyId = "ga-2023", MemberCityId = "seoul" };
        }),
        Row("AccreditationService/ImportParticipants", Access.SecretariatOnly, c => new ImportParticipantsRequest
        {
            AssemblyId = "ga-2023", DryRun = true,
            Csv = ByteString.CopyFromUtf8($"member_city_id,given_name,email,role\nseoul,Matrix,{c.Unique("import")}@seoul.example.org,observer\n"),
        }),
        Row("AccreditationService/CheckIn", Access.StaffOnly, async c =>
            new CheckInRequest { BadgeCode = (await c.Secretariat.BadgedAsync("ga-2023", "seoul", ParticipantRole.Observer)).QrSecret }),
        Row("AccreditationService/CheckOut", Access.StaffOnly, async c =>
            new CheckOutRequest { BadgeCode = (await c.Secretariat.BadgedAsync("ga-2023", "seoul", ParticipantRole.Observer)).QrSecret }),
        Row("AccreditationService/RecordProxy", Access.SecretariatOnly, async c =>
            new RecordProxyRequest { AssemblyId = await AssemblyWithProxiesAsync(c), GrantorMemberCityId = "lima", HolderMemberCityId = "busan" }),
        Row("AccreditationService/RevokeProxy", Access.SecretariatOnly, async c =>
            new RevokeProxyRequest { ProxyId = (await c.Secretariat.RecordProxy(await AssemblyWithProxiesAsync(c), "lima", "busan")).Id }),
        Row("AccreditationService/ListProxies", Access.SecretariatOnly, async c =>
            new ListProxiesRequest { AssemblyId = await AssemblyWithProxiesAsync(c), IncludeRevoked = true }),
        Row("AccreditationService/GetDelegation", new Access(StatusCode.Unauthenticated, StatusCode.OK, StatusCode.PermissionDenied, StatusCode.OK, StatusCode.OK),
            _ => new GetDelegationRequest { AssemblyId = MatrixContext.City.AssemblyId, MemberCityId = MatrixContext.City.MemberCityId }),
        Row("AccreditationService/ListDelegations", Access.StaffOnly, _ => new ListDelegationsRequest { AssemblyId = "ga-2023", PageSize = 5 }),
        Row("AccreditationService/ExportDelegations", Access.SecretariatOnly, _ => new ExportDelegationsRequest { AssemblyId = "ga-2023" }),
        Row("AccreditationService/ExportAttendance", Access.SecretariatOnly, _ => new ExportAttendanceRequest { AssemblyId = "ga-2023", View = AttendanceView.History }),

        // LogisticsService: staff (logistics and the secretariat) manage site visits and travel; anyone signed in lists
        // visits; a participant ranks visits, reads placements and enters an itinerary for themself only. The matrix's
        // "city" participant is not registered in its delegation, so its own SubmitPreferences passes the role check
        // and is then refused by the domain (only approved participants rank visits).
        Row("LogisticsService/CreateSiteVisit", Access.StaffOnly, _ => new CreateSiteVisitRequest { SiteVisit = LogisticsCalls.Visit("ga-2023", "Matrix visit", 10, 9) }),
        Row("LogisticsService/ListSiteVisits", Access.SignedIn, _ => new ListSiteVisitsRequest { AssemblyId = "ga-2023" }),
        Row("LogisticsService/SubmitPreferences", new Access(StatusCode.Unauthenticated, StatusCode.FailedPrecondition, StatusCode.PermissionDenied, StatusCode.OK, StatusCode.OK),
            async c => new SubmitPreferencesRequest { ParticipantId = await SelfOrBadgedAsync(c), SiteVisitIds = { "ga-2023.lg-science-park", "ga-2023.gwangjang-market" } }),
        Row("LogisticsService/RunAssignment", Access.StaffOnly, _ => new RunAssignmentRequest { AssemblyId = "ga-2023", DryRun = true }),
        Row("LogisticsService/GetAssignment", new Access(StatusCode.Unauthenticated, StatusCode.OK, StatusCode.PermissionDenied, StatusCode.OK, StatusCode.OK), async c =>
        {
            await c.Secretariat.RunAssignment("ga-2023");
            return new GetAssignmentRequest { AssemblyId = "ga-2023", ParticipantId = MatrixContext.City.ParticipantId };
        }),
        Row("LogisticsService/MoveParticipant", Access.StaffOnly, async c =>
        {
            var (id, _) = await c.Secretariat.ApprovedAsync("ga-2023", "seoul", c.Unique("rider"));
            await c.Secretariat.RunAssignment("ga-2023");
            return new MoveParticipantRequest { ParticipantId = id, ToSiteVisitId = "ga-2023.lg-science-park", OverrideCapacity = true, Reason = "role matrix" };
        }),
        Row("LogisticsService/GetManifest", Access.StaffOnly, _ => new GetManifestRequest { SiteVisitId = "ga-2023.gwangjang-market" }),
        Row("LogisticsService/ExportManifest", Access.StaffOnly, _ => new ExportManifestRequest { SiteVisitId = "ga-2023.gwangjang-market" }),
        Row("LogisticsService/CheckInDeparture", Access.StaffOnly, async c =>
            new CheckInDepartureRequest { SiteVisitId = "ga-2023.gwangjang-market", BadgeCode = await SeatedBadgeAsync(c) }),
        Row("LogisticsService/SubmitItinerary", new Access(StatusCode.Unauthenticated, StatusCode.OK, StatusCode.PermissionDenied, StatusCode.OK, StatusCode.OK),
            async c => new SubmitItineraryRequest { Itinerary = new() { ParticipantId = await SelfOrBadgedAsync(c) } }),
        Row("LogisticsService/ListArrivals", Access.StaffOnly, _ => new ListArrivalsRequest { AssemblyId = "ga-2023" }),
        Row("LogisticsService/SetPreferencesCutoff", Access.StaffOnly, async c =>
            new SetPreferencesCutoffRequest
            {
                AssemblyId = (await c.Secretariat.CreateAssembly(new() { Id = c.Unique("ga"), Title = "Matrix Assembly", Year = 2023, TimeZone = "Asia/Seoul" })).Id,
                PreferencesCutoff = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            }),

        // AgendaService: everyone signed in reads the agenda; the secretariat builds it.
        Row("AgendaService/CreateAgendaItem", Access.SecretariatOnly, c => new CreateAgendaItemRequest
        {
            AgendaItem = new() { AssemblyId = "ga-2023", Number = c.Unique("item"), TitleEn = "Matrix item", TitleKo = "매트릭스 안건", Kind = AgendaItemKind.Information },
        }),
        Row("AgendaService/UpdateAgendaItem", Access.SecretariatOnly, async c =>
        {
            var id = await AgendaItemAsync(c);
            var item = (await c.Secretariat.Unary<ListAgendaRequest, ListAgendaResponse>(Agenda + "ListAgenda", new() { AssemblyId = "ga-2023" })).AgendaItems.Single(i => i.Id == id);
            item.TitleEn = "Matrix item, amended";
            return new UpdateAgendaItemRequest { AgendaItem = item };
        }),
        Row("AgendaService/ReorderAgenda", Access.SecretariatOnly, async c =>
        {
            var assemblyId = await AssemblyWithProxiesAsync(c);
            var first = await AgendaItemAsync(c, assemblyId);
            var second = await AgendaItemAsync(c, assemblyId);
            return new ReorderAgendaRequest { AssemblyId = assemblyId, AgendaItemIds = { second, first } };
        }),
        Row("AgendaService/ListAgenda", Access.SignedIn, _ => new ListAgendaRequest { AssemblyId = "ga-2023" }),

        // VotingService: the secretariat runs ballots; only participants cast, and then only the person entitled
        // to cast the city's vote (the matrix's participants are not registered delegates, so they are refused
        // past the role check; VotingEndToEndTests casts real votes); everyone signed in reads results and the quorum.
        Row("VotingService/CreateBallot", Access.SecretariatOnly, async c => new CreateBallotRequest
        {
            Ballot = new() { AgendaItemId = await AgendaItemAsync(c), QuestionEn = "Adopt?", Kind = BallotKind.Motion, MajorityRule = MajorityRule.SimpleMajorityOfVotesCast, Method = BallotMethod.RollCall },
        }),
        Row("VotingService/OpenBallot", new Access(StatusCode.Unauthenticated, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.FailedPrecondition),
            async c => new OpenBallotRequest { BallotId = await DraftBallotAsync(c) }),
        Row("VotingService/CastVote", new Access(StatusCode.Unauthenticated, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.PermissionDenied),
            async c => new CastVoteRequest { BallotId = await DraftBallotAsync(c), MemberCityId = "seoul", MotionChoice = MotionChoice.Yes, IdempotencyKey = Guid.NewGuid().ToString() }),
        Row("VotingService/CloseBallot", new Access(StatusCode.Unauthenticated, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.FailedPrecondition),
            async c => new CloseBallotRequest { BallotId = await DraftBallotAsync(c) }),
        Row("VotingService/GetBallotResult", new Access(StatusCode.Unauthenticated, StatusCode.FailedPrecondition, StatusCode.FailedPrecondition, StatusCode.FailedPrecondition, StatusCode.FailedPrecondition),
            async c => new GetBallotResultRequest { BallotId = await DraftBallotAsync(c) }),   // a draft has no result yet: past auth, refused by state
        Row("VotingService/GetQuorum", Access.SignedIn, _ => new GetQuorumRequest { AssemblyId = "ga-2023" }),
        Row("VotingService/WatchQuorum", Watching, _ => new WatchQuorumRequest { AssemblyId = "ga-2023" }),
        Row("VotingService/WatchBallot", Watching, async c => new WatchBallotRequest { BallotId = await DraftBallotAsync(c) }),
        Row("VotingService/ListBallots", Access.SignedIn, _ => new ListBallotsRequest { AssemblyId = "ga-2023" }),

        // FloorService: participants ask for the floor for themselves (the matrix's participants are token identities,
        // not registered people, so they are refused past the role check; FloorEndToEndTests uses real ones) and withdraw
        // only their own request; the chair is the secretariat; staff and the assembly's participants read the floor.
        Row("FloorService/RequestFloor", new Access(StatusCode.Unauthenticated, StatusCode.InvalidArgument, StatusCode.InvalidArgument, StatusCode.PermissionDenied, StatusCode.OK),
            async c => new RequestFloorRequest { AgendaItemId = await AgendaItemAsync(c), Kind = SpeechKind.Speak, ParticipantId = c.Caller == MatrixCaller.Secretariat ? await SpeakerAsync(c) : "" }),
        Row("FloorService/WithdrawFloorRequest", Access.SecretariatOnly, async c =>
        {
            var (item, request) = await FloorRequestAsync(c);
            return new WithdrawFloorRequestRequest { AgendaItemId = item, RequestId = request };
        }),
        Row("FloorService/ReorderSpeakers", Access.SecretariatOnly, async c =>
        {
            var (item, request) = await FloorRequestAsync(c);
            return new ReorderSpeakersRequest { AgendaItemId = item, RequestIds = { request } };
        }),
        Row("FloorService/GiveFloor", Access.SecretariatOnly, async c => new GiveFloorRequest { AgendaItemId = (await FloorRequestAsync(c)).Item }),
        Row("FloorService/StartSpeakingTimer", Access.SecretariatOnly, async c => new StartSpeakingTimerRequest { AgendaItemId = await FloorGivenAsync(c) }),
        Row("FloorService/PauseSpeakingTimer", Access.SecretariatOnly, async c => new PauseSpeakingTimerRequest { AgendaItemId = await FloorGivenAsync(c) }),
        Row("FloorService/StopSpeakingTimer", Access.SecretariatOnly, async c => new StopSpeakingTimerRequest { AgendaItemId = await FloorGivenAsync(c) }),
        Row("FloorService/SetSpeakingTimeLimit", Access.SecretariatOnly, async c => new SetSpeakingTimeLimitRequest
        {
            AgendaItemId = await AgendaItemAsync(c), Limit = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(3)),
        }),
        Row("FloorService/SetSpeakersListOpen", Access.SecretariatOnly, async c => new SetSpeakersListOpenRequest { AgendaItemId = await AgendaItemAsync(c), Open = false }),
        Row("FloorService/GetFloor", Access.SignedIn, async c => new GetFloorRequest { AgendaItemId = await AgendaItemAsync(c) }),
        Row("FloorService/WatchFloor", Watching, async c => new WatchFloorRequest { AgendaItemId = await AgendaItemAsync(c) }),

        // DisplayService: display links are the secretariat's; a screen needs no sign-in, only a link's token (so every
        // caller follows it, until the matrix's deadline).
        Row("DisplayService/CreateDisplayLink", Access.SecretariatOnly, _ => new CreateDisplayLinkRequest { AssemblyId = "ga-2023", Label = "Matrix screen" }),
        Row("DisplayService/ListDisplayLinks", Access.SecretariatOnly, _ => new ListDisplayLinksRequest { AssemblyId = "ga-2023" }),
        Row("DisplayService/RevokeDisplayLink", Access.SecretariatOnly, async c => new RevokeDisplayLinkRequest
        {
            AssemblyId = "ga-2023", DisplayLinkId = (await c.Secretariat.CreateDisplayLink("ga-2023", "Matrix screen")).DisplayLink.Id,
        }),
        Row("DisplayService/WatchDisplay", new Access(StatusCode.DeadlineExceeded, StatusCode.DeadlineExceeded, StatusCode.DeadlineExceeded, StatusCode.DeadlineExceeded, StatusCode.DeadlineExceeded),
            async c => new WatchDisplayRequest { Token = (await c.Secretariat.CreateDisplayLink("ga-2023", "Matrix screen")).Token }),

        // MotionService: the secretariat tables the text and chairs; a delegation submits and withdraws its own amendments.
        Row("MotionService/SetMotionText", Access.SecretariatOnly, async c => new SetMotionTextRequest { AgendaItemId = await AgendaItemAsync(c), Paragraphs = { "The matrix motion." } }),
        Row("MotionService/GetMotion", Access.SignedIn, async c => new GetMotionRequest { AgendaItemId = await MotionAsync(c) }),
        Row("MotionService/SubmitAmendment", Access.OwnDelegation, async c => new SubmitAmendmentRequest
        {
            AgendaItemId = await MotionAsync(c), MemberCityId = MatrixContext.City.MemberCityId, Kind = AmendmentKind.Delete, ParagraphId = "p1", Reason = "Matrix.",
        }),
        Row("MotionService/WithdrawAmendment", Access.OwnDelegation, async c => new WithdrawAmendmentRequest { AgendaItemId = await AmendedMotionAsync(c, admit: false), AmendmentId = "a1" }),
        Row("MotionService/DecideAmendment", Access.SecretariatOnly, async c => new DecideAmendmentRequest { AgendaItemId = await AmendedMotionAsync(c, admit: false), AmendmentId = "a1", Admit = true }),
        Row("MotionService/WatchMotion", Watching, async c => new WatchMotionRequest { AgendaItemId = await MotionAsync(c) }),
        Row("MotionService/OrderAmendments", Access.SecretariatOnly, async c => new OrderAmendmentsRequest { AgendaItemId = await AmendedMotionAsync(c, admit: true), AmendmentIds = { "a1" } }),

        // AuditService: the audit log is the secretariat's.
        Row("AuditService/ListAuditEvents", Access.SecretariatOnly, _ => new ListAuditEventsRequest { PageSize = 5 }),
        Row("AuditService/ExportAuditEvents", Access.SecretariatOnly, _ => new ExportAuditEventsRequest { Filter = new() { ActionPrefix = "member-city." } }),

        // NotificationService: the e-mail delivery log is the secretariat's. With no mail server configured (as here)
        // a re-send is refused by state, past the role check.
        Row("NotificationService/ListNotifications", Access.SecretariatOnly, _ => new ListNotificationsRequest { PageSize = 5 }),
        Row("NotificationService/GetNotification", Access.SecretariatOnly, async c => new GetNotificationRequest { Id = await NotificationAsync(c) }),
        Row("NotificationService/ResendNotification", new Access(StatusCode.Unauthenticated, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.FailedPrecondition),
            async c => new ResendNotificationRequest { Id = await NotificationAsync(c) }),
        // DocumentService: personal data and documents are the participant's own (the matrix's participants are not
        // registered, so their own id is refused as malformed, past the role check) and the secretariat's; a visa letter is
        // decided by the secretariat and verified by anyone holding its code.
        Row("DocumentService/GetPersonalDetails", SelfOrSecretariat, async c => new GetPersonalDetailsRequest { ParticipantId = await PersonAsync(c) }),
        Row("DocumentService/UpdatePersonalDetails", SelfOrSecretariat, async c => new UpdatePersonalDetailsRequest
        {
            ParticipantId = await PersonAsync(c), Details = new() { GivenNameLatin = "Matrix" },
        }),
        Row("DocumentService/UploadPhoto", SelfOrSecretariat, async c => new UploadPhotoRequest { ParticipantId = await PersonAsync(c), Content = ByteString.CopyFrom(PhotoPng) }),
        Row("DocumentService/GetPhoto", SelfOrSecretariat, async c => new GetPhotoRequest
        {
            ParticipantId = await PersonAsync(c, (api, id) => api.UploadPhoto(id, PhotoPng)),
        }),
        Row("DocumentService/RequestVisaLetter", SelfOrSecretariat, async c => new RequestVisaLetterRequest { ParticipantId = await PersonAsync(c, WithPassport) }),
        Row("DocumentService/DecideVisaLetter", Access.SecretariatOnly, async c => new DecideVisaLetterRequest
        {
            ParticipantId = await PersonAsync(c, async (api, id) => { await WithPassport(api, id); await api.RequestVisaLetter(id); }, always: true), Issue = true,
        }),
        Row("DocumentService/RevokeVisaLetter", Access.SecretariatOnly, async c => new RevokeVisaLetterRequest
        {
            ParticipantId = await PersonAsync(c, (api, id) => IssuedLetterAsync(api, id), always: true), Reason = "Matrix",
        }),
        Row("DocumentService/VerifyVisaLetter", Access.Anyone, async c =>
        {
            string url = "";
            await PersonAsync(c, async (api, id) => url = await IssuedLetterAsync(api, id), always: true);
            return new VerifyVisaLetterRequest { Code = Uri.UnescapeDataString(url[(url.LastIndexOf('/') + 1)..]) };
        }),
        Row("DocumentService/GetDocument", SelfOrSecretariat, async c => new GetDocumentRequest
        {
            // Made once before the call under test, which then finds it ready.
            ParticipantId = await PersonAsync(c, (api, id) => DocumentEndToEndTests.DocumentAsync(api, id, DocumentKind.Confirmation)),
            Kind = DocumentKind.Confirmation,
        }),
        Row("DocumentService/ExportPersonalData", SelfOrSecretariat, async c => new ExportPersonalDataRequest { ParticipantId = await PersonAsync(c) }),
    ];
}
