using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Logistics;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class SiteVisitRulesTests
{
    private static readonly DateTimeOffset Two = new(2023, 9, 7, 14, 0, 0, TimeSpan.FromHours(9));

    private static SiteVisit Visit(int capacity = 10, int hours = 3, params Vehicle[] vehicles) =>
        new("ga-2023.v", "ga-2023", "Gwangjang Market", "광장시장", "", "", "Jongno-gu", Two, Two.AddHours(hours), "City Hall", capacity, vehicles, "");

    [Theory]
    [InlineData(-5, 3, "capacity")]
    [InlineData(0, 3, "capacity")]
    [InlineData(10, 0, "ends_at")]
    [InlineData(10, -1, "ends_at")]
    public void A_visit_needs_a_positive_capacity_and_an_end_after_its_start(int capacity, int hours, string field) =>
        Assert.Contains(SiteVisitRules.Validate(Visit(capacity, hours)).Errors, e => e.Field == field);

    [Fact]
    public void Vehicle_ids_are_unique_seats_positive_and_capacity_within_the_seats()
    {
        Assert.Contains(SiteVisitRules.Validate(Visit(4, 3, new Vehicle("bus-1", 2, ""), new Vehicle("bus-1", 2, ""))).Errors, e => e.Field == "vehicles.id");
        Assert.Contains(SiteVisitRules.Validate(Visit(1, 3, new Vehicle("bus-1", 0, ""))).Errors, e => e.Field == "vehicles.seats");
        Assert.Contains(SiteVisitRules.Validate(Visit(50, 3, new Vehicle("bus-1", 45, ""))).Errors, e => e.Field == "capacity");
        Assert.Empty(SiteVisitRules.Validate(Visit(90, 3, new Vehicle(" bus-1 ", 45, ""), new Vehicle("bus-2", 45, ""))).Errors);
        Assert.Equal("bus-1", SiteVisitRules.Validate(Visit(90, 3, new Vehicle(" bus-1 ", 45, ""), new Vehicle("bus-2", 45, ""))).Visit.Vehicles[0].Id);
    }

    [Theory]
    [InlineData("ga-2023.gwangjang-market", "ga-2023")]
    [InlineData(" ga-2023.visit-3 ", "ga-2023")]
    public void A_visit_id_names_its_assembly(string id, string assembly) => Assert.Equal(assembly, SiteVisitRules.AssemblyOf("site_visit_id", id));

    [Theory]
    [InlineData("gwangjang-market")]
    [InlineData("ga-2023.a.b")]
    [InlineData("")]
    public void Other_text_is_not_a_visit_id(string id) =>
        Assert.Equal(DomainErrorKind.Invalid, Assert.Throws<DomainException>(() => SiteVisitRules.AssemblyOf("site_visit_id", id)).Kind);
}

public sealed class ItineraryRulesTests
{
    private static readonly DateTimeOffset Arrive = new(2023, 9, 4, 14, 10, 0, TimeSpan.FromHours(9));

    private static Itinerary Trip(FlightLeg? arrival, FlightLeg? departure, bool pickup = false) => new("ga-2023.seoul.p1", "ga-2023", arrival, departure, pickup, default);

    [Fact]
    public void The_departure_must_be_after_the_arrival()
    {
        var errors = ItineraryRules.Validate(Trip(new("KE902", "ICN", Arrive), new("KE901", "ICN", Arrive.AddHours(-1)))).Errors;
        Assert.Equal(["departure.scheduled_at"], errors.Select(e => e.Field));
        Assert.Empty(ItineraryRules.Validate(Trip(new("KE902", "ICN", Arrive), new("KE901", "ICN", Arrive.AddDays(4)))).Errors);
    }

    [Theory]
    [InlineData("ke 902", "icn", true)]
    [InlineData("OZ8912", "GMP", true)]
    [InlineData("K", "ICN", false)]
    [InlineData("KE902", "INCHEON", false)]
    [InlineData("KE902", "I1N", false)]
    public void Flight_numbers_and_airports_are_IATA_codes(string flight, string airport, bool valid)
    {
        var (cleaned, errors) = ItineraryRules.Validate(Trip(new(flight, airport, Arrive), null));
        Assert.Equal(valid, errors.Count == 0);
        if (valid)
            Assert.Equal(airport.ToUpperInvariant(), cleaned.Arrival!.AirportCode);
    }

    [Fact]
    public void A_pickup_needs_an_arrival() =>
        Assert.Equal(["needs_airport_pickup"], ItineraryRules.Validate(Trip(null, new("KE901", "ICN", Arrive), pickup: true)).Errors.Select(e => e.Field));

    [Fact]
    public void Arrivals_group_by_airport_and_by_windows_counted_from_local_midnight()
    {
        var seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
        ArrivingParticipant At(string id, string airport, int hour, int minute, bool pickup = true) =>
            new(id, id, "", "seoul", new FlightLeg("KE1", airport, new DateTimeOffset(2023, 9, 4, hour, minute, 0, TimeSpan.FromHours(9))), pickup);
        var groups = ArrivalWindows.Group([At("c", "ICN", 15, 59), At("a", "ICN", 14, 10, pickup: false), At("b", "ICN", 15, 0), At("d", "GMP", 14, 30)],
            TimeSpan.FromHours(2), seoul);
        Assert.Equal([("GMP", 14, 1), ("ICN", 14, 3)], groups.Select(g => (g.AirportCode, TimeZoneInfo.ConvertTime(g.Start, seoul).Hour, g.Arrivals.Count)));
        Assert.Equal(["a", "b", "c"], groups[1].Arrivals.Select(a => a.ParticipantId));
        Assert.Equal(2, groups[1].PickupCount);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(7 * 60)]
    [InlineData(25 * 60)]
    public void A_window_divides_a_day_evenly(int minutes) =>
        Assert.Throws<DomainException>(() => ArrivalWindows.Check(TimeSpan.FromMinutes(minutes)));
}

public sealed class SiteVisitMovesTests
{
    private static readonly DateTimeOffset Nine = new(2023, 9, 7, 9, 0, 0, TimeSpan.FromHours(9));

    private static readonly Dictionary<string, VisitSlot> Slots = new()
    {
        ["a"] = new("a", Nine, Nine.AddHours(3), 2, [new VisitVehicle("bus-1", 1), new VisitVehicle("bus-2", 1)]),
        ["b"] = new("b", Nine.AddHours(2), Nine.AddHours(5), 5, []),
        ["c"] = new("c", Nine.AddHours(6), Nine.AddHours(8), 5, []),
    };

    private static readonly SeatBook Book = new(
        [new("p1", "a", "bus-1", 1, false), new("p2", "a", "bus-2", 1, false)],
        [new("a", [new("p3", 1), new("p4", 1)]), new("b", [new("p4", 2)]), new("c", [])]);

    private static ParticipantMove Move(string who, string? from, string? to, bool force = false, string? vehicle = null) => new(who, from, to, vehicle, force, force ? "agreed" : "");

    [Fact]
    public void A_full_visit_refuses_a_move_unless_overridden()
    {
        var refused = Assert.Throws<DomainException>(() => SiteVisitMoves.Apply(Book, Slots, Move("p3", "a", "a"), 1));
        Assert.Equal(DomainErrorKind.StateConflict, refused.Kind);
        var forced = SiteVisitMoves.Apply(Book, Slots, Move("p3", "a", "a", force: true), 1);
        Assert.True(forced.OverCapacity);
        Assert.Equal(3, forced.Book.Seats.Count(s => s.VisitId == "a"));
        Assert.Equal(["p4"], forced.Book.WaitlistOf("a").Select(e => e.ParticipantId));
    }

    [Fact]
    public void A_move_never_creates_an_overlap()
    {
        var refused = Assert.Throws<DomainException>(() => SiteVisitMoves.Apply(Book, Slots, Move("p1", null, "b"), 0));
        Assert.Contains("overlaps", refused.Message);
        var moved = SiteVisitMoves.Apply(Book, Slots, Move("p1", "a", "b"), 0);
        Assert.Contains(moved.Book.Seats, s => s is { ParticipantId: "p1", VisitId: "b", PlacedByStaff: true });
        Assert.Contains(SiteVisitMoves.Apply(Book, Slots, Move("p1", null, "c"), 0).Book.Seats, s => s is { ParticipantId: "p1", VisitId: "c" });
    }

    [Fact]
    public void A_freed_seat_goes_to_the_first_waiting_in_the_freed_vehicle_and_leaves_overlapping_waitlists()
    {
        var cancelled = SiteVisitMoves.Apply(Book, Slots, Move("p1", "a", null), 0).Book;
        var (book, promoted) = SiteVisitMoves.Promote(cancelled, Slots, "a");
        Assert.Equal([("p3", "bus-1")], promoted.Select(p => (p.ParticipantId, p.VehicleId)));
        Assert.Equal(["p4"], book.WaitlistOf("a").Select(e => e.ParticipantId));
        Assert.Empty(SiteVisitMoves.Promote(book, Slots, "a").Promoted);

        var (afterP4, _) = SiteVisitMoves.Promote(SiteVisitMoves.Apply(book, Slots, Move("p3", "a", null), 0).Book, Slots, "a");
        Assert.Empty(afterP4.WaitlistOf("b"));   // p4 seated on a, which overlaps b
    }

    [Fact]
    public void Moving_someone_who_is_nowhere_is_refused() =>
        Assert.Equal(DomainErrorKind.StateConflict, Assert.Throws<DomainException>(() => SiteVisitMoves.Apply(Book, Slots, Move("p9", "a", "c"), 0)).Kind);
}
