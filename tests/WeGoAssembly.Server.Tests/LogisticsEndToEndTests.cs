using WeGoAssembly.Contracts.Auth;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;
using Assembly = WeGoAssembly.Protos.V1.Assembly;
using Google.Protobuf.WellKnownTypes;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// Site visits and travel through the real host and the C# client, each caller signed in with its own role:
/// assignment, waitlist promotion, manual moves, departure check-in, the cut-off, itineraries and arrivals, bad
/// input; on one database engine per subclass.
/// </summary>
public abstract class LogisticsEndToEndTests : IAsyncLifetime
{
    private const string Ga = "logi-2023", BusPassword = "board the buses at city hall";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private WeGoServer server = null!;
    private SampleApi secretariat = null!;
    private SampleApi logistics = null!;

    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        server = await WeGoServer.StartAsync(await FreshDatabaseAsync());
        secretariat = await server.SecretariatAsync();
        await secretariat.UpsertStaffAccount(AuthEndToEndTests.Staff("bus-desk", "Bus desk", UserRole.Logistics), BusPassword);
        logistics = await server.StaffAsync("bus-desk", BusPassword);
        await secretariat.CreateAssembly(new Assembly { Id = Ga, Title = "Logistics test assembly", Year = 2023, TimeZone = "Asia/Seoul" });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    private static async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    private async Task<SampleApi> SignInAsAsync(string participantId, string cityId) =>
        await server.ParticipantAsync(await server.IssueAccessCodeAsync(new ParticipantRef(participantId, Ga, cityId, participantId)));

    private async Task<List<AuditEvent>> AuditAsync(string actionPrefix) =>
        (await secretariat.ListAuditEvents(new() { Filter = new() { ActionPrefix = actionPrefix }, PageSize = 100 })).Events.ToList();

    [Fact]
    public async Task The_sample_assembly_offers_its_two_visits_on_the_same_afternoon()
    {
        var visits = (await logistics.ListSiteVisits("ga-2023")).SiteVisits;
        Assert.Equal(["ga-2023.gwangjang-market", "ga-2023.lg-science-park"], visits.Select(v => v.Id));
        Assert.Equal(["광장시장", "LG사이언스파크 (마곡)"], visits.Select(v => v.TitleKo));
        Assert.All(visits, v => Assert.Equal(new DateTime(2023, 9, 7, 5, 0, 0, DateTimeKind.Utc), v.StartsAt.ToDateTime()));
        Assert.All(visits, v => Assert.Equal(2, v.Vehicles.Count));
    }

    [Fact]
    public async Task A_freed_seat_goes_to_the_first_on_the_waitlist_and_moves_respect_capacity_unless_overridden()
    {
        var morning = await logistics.CreateSiteVisit(LogisticsCalls.Visit(Ga, "Cheonggyecheon", capacity: 1, startHour: 9, ("bus-1", 2)));
        var afternoon = await logistics.CreateSiteVisit(LogisticsCalls.Visit(Ga, "Seoullo 7017", capacity: 3, startHour: 14, ("bus-1", 3)));
        var lateMorning = await logistics.CreateSiteVisit(LogisticsCalls.Visit(Ga, "Deoksugung", capacity: 5, startHour: 11));
        Assert.Equal($"{Ga}.visit-1", morning.Id);
        var people = new List<string>();
        foreach (var (city, name) in new[] { ("seoul", "하나"), ("busan", "둘"), ("lima", "Tres") })
        {
            var (id, _) = await secretariat.ApprovedAsync(Ga, city, name);
            people.Add(id);
            await logistics.SubmitPreferences(id, morning.Id);
        }

        var run = await logistics.RunAssignment(Ga);
        Assert.Equal((3, 1, 2), (run.Summary.ParticipantsWithPreferences, run.Summary.ParticipantsPlaced, run.Summary.ParticipantsUnplaced));
        var seated = Assert.Single(run.Placements, p => p.Status == PlacementStatus.Assigned);
        Assert.Equal(("bus-1", 1), (seated.VehicleId, seated.ChoiceRank));
        var waiting = run.Placements.Where(p => p.Status == PlacementStatus.Waitlisted).OrderBy(p => p.WaitlistPosition).ToArray();
        Assert.Equal([1, 2], waiting.Select(p => p.WaitlistPosition));

        // The seated participant moves to the afternoon: the first on the morning's waitlist moves up at once.
        var moved = await logistics.MoveParticipant(new() { ParticipantId = seated.ParticipantId, FromSiteVisitId = morning.Id, ToSiteVisitId = afternoon.Id });
        Assert.Equal([(afternoon.Id, PlacementStatus.Assigned, true)], moved.Placements.Select(p => (p.SiteVisitId, p.Status, p.PlacedByStaff)));
        var promoted = Assert.Single(moved.Promoted);
        Assert.Equal((waiting[0].ParticipantId, morning.Id, "bus-1"), (promoted.ParticipantId, promoted.SiteVisitId, promoted.VehicleId));
        var now = await logistics.GetAssignment(Ga, visitId: morning.Id);
        Assert.Equal([(waiting[0].ParticipantId, PlacementStatus.Assigned), (waiting[1].ParticipantId, PlacementStatus.Waitlisted)],
            now.Placements.OrderBy(p => p.Status).Select(p => (p.ParticipantId, p.Status)));
        var notice = Assert.Single(await AuditAsync("site-visit.promoted"));
        Assert.Contains(waiting[0].ParticipantId, notice.Details);

        // The morning is full: moving the next one onto it is refused, then allowed with an override and a reason (audited).
        var full = await Refused(() => logistics.MoveParticipant(new() { ParticipantId = waiting[1].ParticipantId, FromSiteVisitId = morning.Id, ToSiteVisitId = morning.Id }));
        Assert.Equal(StatusCode.FailedPrecondition, full.StatusCode);
        Assert.Contains("full", full.Status.Detail);
        var noReason = await Refused(() => logistics.MoveParticipant(new() { ParticipantId = waiting[1].ParticipantId, ToSiteVisitId = morning.Id, OverrideCapacity = true }));
        Assert.Equal(StatusCode.InvalidArgument, noReason.StatusCode);
        var overridden = await logistics.MoveParticipant(new()
        {
            ParticipantId = waiting[1].ParticipantId, FromSiteVisitId = morning.Id, ToSiteVisitId = morning.Id, OverrideCapacity = true, Reason = "Mayor's adviser, seat agreed with the protocol office",
        });
        Assert.Equal([(morning.Id, PlacementStatus.Assigned, "bus-1")], overridden.Placements.Select(p => (p.SiteVisitId, p.Status, p.VehicleId)));
        Assert.Equal(2, (await logistics.GetManifest(morning.Id)).Vehicles.Single().Passengers.Count);
        var audited = Assert.Single(await AuditAsync("site-visit.capacity-overridden"));
        Assert.Equal("staff:bus-desk", audited.Actor);
        Assert.Contains("protocol office", audited.Details);

        // Never an overlap: the late-morning visit overlaps the morning one.
        var overlap = await Refused(() => logistics.MoveParticipant(new() { ParticipantId = waiting[1].ParticipantId, ToSiteVisitId = lateMorning.Id }));
        Assert.Equal(StatusCode.FailedPrecondition, overlap.StatusCode);
        Assert.Contains("overlaps", overlap.Status.Detail);

        // Staff seats survive a new run.
        var again = await logistics.RunAssignment(Ga);
        Assert.Contains(again.Placements, p => p.ParticipantId == seated.ParticipantId && p.SiteVisitId == afternoon.Id && p.PlacedByStaff);
        Assert.Contains(again.Placements, p => p.ParticipantId == waiting[1].ParticipantId && p.SiteVisitId == morning.Id && p.PlacedByStaff);
    }

    [Fact]
    public async Task Departure_check_in_by_badge_is_idempotent_and_the_manifest_lists_no_shows_after_departure()
    {
        var visit = await logistics.CreateSiteVisit(LogisticsCalls.Visit(Ga, "Gwangjang Market", capacity: 2, startHour: 14, ("bus-1", 1), ("bus-2", 1)));
        var seoul = await secretariat.ApprovedAsync(Ga, "seoul", "세훈");
        var busan = await secretariat.ApprovedAsync(Ga, "busan", "Ji-won");
        var lima = await secretariat.ApprovedAsync(Ga, "lima", "Ana");
        foreach (var id in new[] { seoul.Id, busan.Id, lima.Id })
            await logistics.SubmitPreferences(id, visit.Id);
        var run = await logistics.RunAssignment(Ga);
        var seats = run.Placements.Where(p => p.Status == PlacementStatus.Assigned).ToDictionary(p => p.ParticipantId);
        Assert.Equal(2, seats.Count);
        var badges = new Dictionary<string, string> { [seoul.Id] = seoul.Badge, [busan.Id] = busan.Badge, [lima.Id] = lima.Badge };
        var (rider, other) = (seats.Keys.Order().First(), seats.Keys.Order().Last());
        var waiter = badges.Keys.Single(id => !seats.ContainsKey(id));

        var wrongBus = await Refused(() => logistics.CheckInDeparture(visit.Id, badges[rider], seats[rider].VehicleId == "bus-1" ? "bus-2" : "bus-1"));
        Assert.Equal(StatusCode.FailedPrecondition, wrongBus.StatusCode);
        Assert.Contains(seats[rider].VehicleId, wrongBus.Status.Detail);
        var first = await logistics.CheckInDeparture(visit.Id, badges[rider], seats[rider].VehicleId);
        var second = await logistics.CheckInDeparture(visit.Id, badges[rider]);
        Assert.True(first.Changed);
        Assert.False(second.Changed);
        Assert.Equal((rider, true, seats[rider].VehicleId), (second.Passenger.ParticipantId, second.Passenger.CheckedIn, second.VehicleId));
        Assert.Equal(first.Passenger.CheckedInAt, second.Passenger.CheckedInAt);
        Assert.Single(await AuditAsync("site-visit.departure-checked-in"));
        var waitlisted = await Refused(() => logistics.CheckInDeparture(visit.Id, badges[waiter]));
        Assert.Equal(StatusCode.FailedPrecondition, waitlisted.StatusCode);
        Assert.Contains("waitlist", waitlisted.Status.Detail);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => logistics.CheckInDeparture(visit.Id, "WGB1-not-a-badge"))).StatusCode);

        // The visit left in 2023: the manifest shows who boarded and who did not.
        var manifest = await logistics.GetManifest(visit.Id);
        Assert.True(manifest.Departed);
        Assert.Equal(["bus-1", "bus-2"], manifest.Vehicles.Select(v => v.Vehicle.Id));
        Assert.Equal([other], manifest.NoShows.Select(e => e.ParticipantId));
        Assert.Equal([waiter], manifest.Waitlist.Select(e => e.ParticipantId));
        Assert.All(manifest.Vehicles.SelectMany(v => v.Passengers), p => Assert.Equal("김", p.FamilyName));
        var csv = (await logistics.ExportManifest(visit.Id)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("vehicle_id,vehicle_label,participant_id,family_name,given_name,member_city_id,badge_number,checked_in,checked_in_at_utc,no_show", csv[0]);
        Assert.Equal(4, csv.Length);
        Assert.Contains(csv, l => l.StartsWith($"{seats[rider].VehicleId},Bus {seats[rider].VehicleId},{rider},김,", StringComparison.Ordinal) && l.EndsWith(",false", StringComparison.Ordinal));
        Assert.StartsWith($"waitlist,,{waiter},", csv[3]);
    }

    [Fact]
    public async Task At_the_cut_off_preferences_close_and_the_assignment_runs_by_itself()
    {
        var visit = await logistics.CreateSiteVisit(LogisticsCalls.Visit(Ga, "N Seoul Tower", capacity: 10, startHour: 14));
        var (id, _) = await secretariat.ApprovedAsync(Ga, "seoul", "민서");
        var participant = await SignInAsAsync(id, "seoul");
        await participant.SubmitPreferences(id, visit.Id);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => participant.GetAssignment(Ga, id))).StatusCode);

        var cutoff = DateTimeOffset.UtcNow.AddSeconds(1);
        await logistics.SetPreferencesCutoff(Ga, cutoff);
        Assert.Equal(Timestamp.FromDateTimeOffset(cutoff), (await participant.ListSiteVisits(Ga)).PreferencesCutoff);

        GetAssignmentResponse? assignment = null;
        var deadline = DateTime.UtcNow + Patience;
        while (assignment is null && DateTime.UtcNow < deadline)
        {
            try { assignment = await participant.GetAssignment(Ga, id); }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound) { await Task.Delay(100); }
        }
        Assert.NotNull(assignment);
        Assert.True(assignment.Summary.RunAt.ToDateTimeOffset() >= cutoff);
        Assert.Equal([(visit.Id, PlacementStatus.Assigned, 1)], assignment.Placements.Select(p => (p.SiteVisitId, p.Status, p.ChoiceRank)));
        Assert.Contains(await AuditAsync("site-visit.assignment-run"), e => e.Actor == "system");

        var late = await Refused(() => participant.SubmitPreferences(id, visit.Id));
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
        Assert.Contains("closed", late.Status.Detail);
    }

    [Fact]
    public async Task Participants_rank_and_read_only_their_own_and_itineraries_group_by_airport_and_window()
    {
        var visit = await logistics.CreateSiteVisit(LogisticsCalls.Visit(Ga, "Bukchon", capacity: 10, startHour: 14));
        var (seoulId, _) = await secretariat.ApprovedAsync(Ga, "seoul", "지우");
        var (busanId, _) = await secretariat.ApprovedAsync(Ga, "busan", "도윤");
        var seoul = await SignInAsAsync(seoulId, "seoul");
        Assert.Equal([visit.Id], (await seoul.SubmitPreferences(seoulId, visit.Id)).SiteVisitIds);
        Assert.Equal(StatusCode.PermissionDenied, (await Refused(() => seoul.SubmitPreferences(busanId, visit.Id))).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Refused(() => seoul.SubmitItinerary(new Itinerary { ParticipantId = busanId }))).StatusCode);
        await logistics.RunAssignment(Ga);
        Assert.Equal(StatusCode.PermissionDenied, (await Refused(() => seoul.GetAssignment(Ga))).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Refused(() => seoul.RunAssignment(Ga))).StatusCode);
        Assert.Equal([seoulId], (await seoul.GetAssignment(Ga, seoulId)).Placements.Select(p => p.ParticipantId));

        static FlightLeg Leg(string flight, string airport, int day, int hour, int minute) =>
            new() { FlightNumber = flight, AirportCode = airport, ScheduledAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2023, 9, day, hour, minute, 0, TimeSpan.FromHours(9))) };
        var mine = await seoul.SubmitItinerary(new Itinerary
        {
            ParticipantId = seoulId, Arrival = Leg("ke902", "icn", 4, 14, 10), Departure = Leg("KE901", "ICN", 8, 13, 0), NeedsAirportPickup = true,
        });
        Assert.Equal(("KE902", "ICN"), (mine.Arrival.FlightNumber, mine.Arrival.AirportCode));
        await logistics.SubmitItinerary(new Itinerary { ParticipantId = busanId, Arrival = Leg("OZ8912", "GMP", 4, 14, 50) });

        var arrivals = await logistics.ListArrivals(new() { AssemblyId = Ga, Window = Duration.FromTimeSpan(TimeSpan.FromHours(1)) });
        Assert.Equal([("GMP", 1, 0), ("ICN", 1, 1)], arrivals.Groups.Select(g => (g.AirportCode, g.Arrivals.Count, g.PickupCount)));
        Assert.All(arrivals.Groups, g => Assert.Equal(new DateTimeOffset(2023, 9, 4, 14, 0, 0, TimeSpan.FromHours(9)), g.WindowStart.ToDateTimeOffset()));
        Assert.Equal("지우", arrivals.Groups[1].Arrivals[0].GivenName);
        Assert.Equal(["ICN"], (await logistics.ListArrivals(new() { AssemblyId = Ga, PickupOnly = true })).Groups.Select(g => g.AirportCode));
        Assert.Equal(StatusCode.PermissionDenied, (await Refused(() => seoul.ListArrivals(new() { AssemblyId = Ga }))).StatusCode);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_precise_status()
    {
        var visit = await logistics.CreateSiteVisit(LogisticsCalls.Visit(Ga, "Namsangol", capacity: 10, startHour: 14));
        var (id, _) = await secretariat.ApprovedAsync(Ga, "seoul", "서연");

        Assert.Equal(StatusCode.NotFound, (await Refused(() => logistics.SubmitPreferences(id, $"{Ga}.no-such-visit"))).StatusCode);
        var twice = await Refused(() => logistics.SubmitPreferences(id, visit.Id, visit.Id));
        Assert.Equal(StatusCode.InvalidArgument, twice.StatusCode);
        Assert.Contains("twice", twice.Status.Detail);

        var negative = LogisticsCalls.Visit(Ga, "Negative", capacity: -5, startHour: 9);
        var refused = await Refused(() => logistics.CreateSiteVisit(negative));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("capacity", refused.Status.Detail);
        var backwards = LogisticsCalls.Visit(Ga, "Backwards", capacity: 5, startHour: 9);
        backwards.EndsAt = Timestamp.FromDateTimeOffset(backwards.StartsAt.ToDateTimeOffset().AddHours(-1));
        refused = await Refused(() => logistics.CreateSiteVisit(backwards));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("ends_at", refused.Status.Detail);
        var twoBuses = LogisticsCalls.Visit(Ga, "Same bus twice", capacity: 5, startHour: 9, ("bus-1", 3), ("bus-1", 3));
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => logistics.CreateSiteVisit(twoBuses))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => logistics.CreateSiteVisit(LogisticsCalls.Visit("no-such-ga", "Nowhere", 5, 9)))).StatusCode);

        var itinerary = new Itinerary
        {
            ParticipantId = id,
            Arrival = new() { FlightNumber = "KE902", AirportCode = "ICN", ScheduledAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2023, 9, 8, 10, 0, 0, TimeSpan.Zero)) },
            Departure = new() { FlightNumber = "KE901", AirportCode = "ICN", ScheduledAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2023, 9, 4, 10, 0, 0, TimeSpan.Zero)) },
        };
        refused = await Refused(() => logistics.SubmitItinerary(itinerary));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("not after the arrival", refused.Status.Detail);

        Assert.Equal(StatusCode.NotFound, (await Refused(() => logistics.GetManifest($"{Ga}.no-such-visit"))).StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, (await Refused(() => logistics.MoveParticipant(new() { ParticipantId = id, ToSiteVisitId = visit.Id }))).StatusCode);
    }
}

public sealed class SqliteLogisticsEndToEndTests : LogisticsEndToEndTests
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
public sealed class PostgresLogisticsEndToEndTests(PostgresCluster cluster) : LogisticsEndToEndTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}
