using System.Text.RegularExpressions;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Logistics;

namespace WeGoAssembly.Grains.Rules;

/// <summary>What a valid itinerary looks like, and how arrivals are grouped for airport pickups.</summary>
public static partial class ItineraryRules
{
    /// <summary>Checks and cleans an itinerary: flight numbers and IATA codes upper-cased, departure after arrival, pickup needs an arrival.</summary>
    public static (Itinerary Itinerary, IReadOnlyList<FieldError> Errors) Validate(Itinerary itinerary)
    {
        var errors = new List<FieldError>();
        var arrival = Leg("arrival", itinerary.Arrival, errors);
        var departure = Leg("departure", itinerary.Departure, errors);
        if (arrival is not null && departure is not null && departure.ScheduledAt <= arrival.ScheduledAt)
            errors.Add(new("departure.scheduled_at",
                $"The departure ({departure.ScheduledAt:u}) is not after the arrival ({arrival.ScheduledAt:u}); check the dates and times."));
        if (itinerary.NeedsAirportPickup && arrival is null)
            errors.Add(new("needs_airport_pickup", "An airport pickup needs the arriving flight: give arrival too."));
        return (itinerary with { Arrival = arrival, Departure = departure }, errors);
    }

    private static FlightLeg? Leg(string field, FlightLeg? leg, List<FieldError> errors)
    {
        if (leg is null)
            return null;
        var flight = (leg.FlightNumber ?? "").Trim().Replace(" ", "").ToUpperInvariant();
        var airport = (leg.AirportCode ?? "").Trim().ToUpperInvariant();
        if (!FlightNumberPattern().IsMatch(flight))
            errors.Add(new($"{field}.flight_number", $"{field}.flight_number \"{TextRules.Shorten(flight)}\" is not a flight number such as \"KE902\" (airline code and 1 to 4 digits, at most 8 characters)."));
        if (!AirportPattern().IsMatch(airport))
            errors.Add(new($"{field}.airport_code", $"{field}.airport_code \"{TextRules.Shorten(airport)}\" is not an IATA airport code of three letters such as \"ICN\"."));
        if (leg.ScheduledAt == default)
            errors.Add(new($"{field}.scheduled_at", $"{field}.scheduled_at is required."));
        return new FlightLeg(flight, airport, leg.ScheduledAt);
    }

    [GeneratedRegex("^(?=.{3,8}$)[A-Z0-9]{2}[0-9]{1,4}[A-Z]?$")]
    private static partial Regex FlightNumberPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex AirportPattern();
}

/// <summary>One participant arriving, with the names a pickup sign needs.</summary>
public sealed record ArrivingParticipant(string ParticipantId, string GivenName, string FamilyName, string MemberCityId, FlightLeg Flight, bool NeedsAirportPickup);

/// <summary>The arrivals at one airport in one window [Start, End).</summary>
public sealed record ArrivalGroup(string AirportCode, DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<ArrivingParticipant> Arrivals)
{
    public int PickupCount => Arrivals.Count(a => a.NeedsAirportPickup);
}

/// <summary>Groups arrivals by airport and fixed time windows that start at local midnight, for planning pickups.</summary>
public static class ArrivalWindows
{
    public static readonly TimeSpan MinWindow = TimeSpan.FromMinutes(5), MaxWindow = TimeSpan.FromHours(24), DefaultWindow = TimeSpan.FromHours(1);

    /// <summary>A window length from 5 minutes to 24 hours that divides a day evenly; INVALID_ARGUMENT otherwise.</summary>
    public static TimeSpan Check(TimeSpan? window)
    {
        var length = window ?? DefaultWindow;
        if (length < MinWindow || length > MaxWindow || TimeSpan.FromDays(1).Ticks % length.Ticks != 0)
            throw DomainException.Invalid("window", $"window {length} must be from 5 minutes to 24 hours and divide a day evenly (for example 30 minutes, 1 hour, 3 hours).");
        return length;
    }

    /// <summary>Groups by airport code, then window start; arrivals in each group by scheduled time, then participant id.</summary>
    public static IReadOnlyList<ArrivalGroup> Group(IEnumerable<ArrivingParticipant> arrivals, TimeSpan window, TimeZoneInfo zone) =>
        arrivals
            .GroupBy(a => (a.Flight.AirportCode, Start: WindowStart(a.Flight.ScheduledAt, window, zone)))
            .OrderBy(g => g.Key.AirportCode, StringComparer.Ordinal).ThenBy(g => g.Key.Start)
            .Select(g => new ArrivalGroup(g.Key.AirportCode, g.Key.Start, g.Key.Start + window,
                g.OrderBy(a => a.Flight.ScheduledAt).ThenBy(a => a.ParticipantId, StringComparer.Ordinal).ToArray()))
            .ToArray();

    /// <summary>The start of the window holding <paramref name="at"/>: windows are counted from local midnight in <paramref name="zone"/>.</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset at, TimeSpan window, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var sinceMidnight = local.TimeOfDay;
        var start = local - TimeSpan.FromTicks(sinceMidnight.Ticks % window.Ticks);
        return start.ToUniversalTime();
    }
}
