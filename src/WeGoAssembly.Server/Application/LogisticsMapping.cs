using Google.Protobuf.WellKnownTypes;
using WeGoAssembly.Contracts;
using WeGoAssembly.Grains.Logistics;
using WeGoAssembly.Grains.Rules;
using Domain = WeGoAssembly.Contracts.Logistics;
using V1 = WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Application;

/// <summary>Static conversions between the logistics proto messages and domain records; no rules live here.</summary>
public static class LogisticsMapping
{
    public static V1.SiteVisit ToProto(this Domain.SiteVisit v, int assigned = 0, int waitlisted = 0)
    {
        var message = new V1.SiteVisit
        {
            Id = v.Id,
            AssemblyId = v.AssemblyId,
            TitleEn = v.TitleEn,
            TitleKo = v.TitleKo,
            DescriptionEn = v.DescriptionEn,
            DescriptionKo = v.DescriptionKo,
            Place = v.Place,
            StartsAt = Timestamp.FromDateTimeOffset(v.StartsAt),
            EndsAt = Timestamp.FromDateTimeOffset(v.EndsAt),
            MeetingPoint = v.MeetingPoint,
            Capacity = v.Capacity,
            AccessibilityNotes = v.AccessibilityNotes,
            AssignedCount = assigned,
            WaitlistedCount = waitlisted,
        };
        message.Vehicles.AddRange(v.Vehicles.Select(x => x.ToProto()));
        return message;
    }

    public static V1.Vehicle ToProto(this Domain.Vehicle v) => new() { Id = v.Id, Seats = v.Seats, Label = v.Label };

    /// <summary>A visit to create: id and counts are ignored (the server assigns the id).</summary>
    public static Domain.SiteVisit ToDomain(this V1.SiteVisit v, string assemblyId) => new(
        Id: "", assemblyId, v.TitleEn, v.TitleKo, v.DescriptionEn, v.DescriptionKo, v.Place,
        Time("site_visit.starts_at", v.StartsAt) ?? default, Time("site_visit.ends_at", v.EndsAt) ?? default,
        v.MeetingPoint, v.Capacity, v.Vehicles.Select(x => new Domain.Vehicle(x.Id, x.Seats, x.Label)).ToArray(), v.AccessibilityNotes);

    public static V1.Placement ToProto(this Domain.Placement p) => new()
    {
        ParticipantId = p.ParticipantId,
        SiteVisitId = p.SiteVisitId,
        Status = (V1.PlacementStatus)p.Status,
        VehicleId = p.VehicleId ?? "",
        WaitlistPosition = p.WaitlistPosition,
        ChoiceRank = p.ChoiceRank,
        PlacedByStaff = p.PlacedByStaff,
    };

    public static V1.AssignmentSummary ToProto(this Domain.AssignmentSummary s)
    {
        var message = new V1.AssignmentSummary
        {
            AssemblyId = s.AssemblyId,
            RunAt = Timestamp.FromDateTimeOffset(s.RunAt),
            ParticipantsWithPreferences = s.ParticipantsWithPreferences,
            ParticipantsPlaced = s.ParticipantsPlaced,
            ParticipantsUnplaced = s.ParticipantsUnplaced,
        };
        message.RankShares.AddRange(s.ParticipantsByBestRank.Select((n, i) => new V1.RankShare
        {
            ChoiceRank = i + 1,
            Participants = n,
            Share = s.ParticipantsWithPreferences == 0 ? 0 : (double)n / s.ParticipantsWithPreferences,
        }));
        return message;
    }

    public static V1.ManifestEntry ToProto(this ManifestEntry e) => new()
    {
        ParticipantId = e.ParticipantId,
        GivenName = e.GivenName,
        FamilyName = e.FamilyName,
        MemberCityId = e.MemberCityId,
        BadgeNumber = e.BadgeNumber,
        CheckedIn = e.CheckedIn,
        CheckedInAt = e.CheckedInAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
    };

    public static V1.GetManifestResponse ToProto(this Manifest m)
    {
        var message = new V1.GetManifestResponse
        {
            SiteVisit = m.Visit.ToProto(m.Vehicles.Sum(v => v.Passengers.Count), m.Waitlist.Count),
            Departed = m.Departed,
        };
        message.Vehicles.AddRange(m.Vehicles.Select(v =>
        {
            var vehicle = new V1.VehicleManifest { Vehicle = v.Vehicle?.ToProto() };
            vehicle.Passengers.AddRange(v.Passengers.Select(p => p.ToProto()));
            return vehicle;
        }));
        message.Waitlist.AddRange(m.Waitlist.Select(p => p.ToProto()));
        message.NoShows.AddRange(m.NoShows.Select(p => p.ToProto()));
        return message;
    }

    public static V1.FlightLeg ToProto(this Domain.FlightLeg f) => new()
    {
        FlightNumber = f.FlightNumber,
        AirportCode = f.AirportCode,
        ScheduledAt = Timestamp.FromDateTimeOffset(f.ScheduledAt),
    };

    public static V1.Itinerary ToProto(this Domain.Itinerary i) => new()
    {
        ParticipantId = i.ParticipantId,
        Arrival = i.Arrival?.ToProto(),
        Departure = i.Departure?.ToProto(),
        NeedsAirportPickup = i.NeedsAirportPickup,
        UpdatedAt = Timestamp.FromDateTimeOffset(i.UpdatedAt),
    };

    public static Domain.FlightLeg? ToDomain(this V1.FlightLeg? f, string field) => f is null
        ? null
        : new(f.FlightNumber, f.AirportCode, Time($"{field}.scheduled_at", f.ScheduledAt) ?? default);

    public static V1.ArrivalGroup ToProto(this ArrivalGroup g)
    {
        var message = new V1.ArrivalGroup
        {
            AirportCode = g.AirportCode,
            WindowStart = Timestamp.FromDateTimeOffset(g.Start),
            WindowEnd = Timestamp.FromDateTimeOffset(g.End),
            PickupCount = g.PickupCount,
        };
        message.Arrivals.AddRange(g.Arrivals.Select(a => new V1.Arrival
        {
            ParticipantId = a.ParticipantId,
            GivenName = a.GivenName,
            FamilyName = a.FamilyName,
            MemberCityId = a.MemberCityId,
            Flight = a.Flight.ToProto(),
            NeedsAirportPickup = a.NeedsAirportPickup,
        }));
        return message;
    }

    /// <summary>An instant from a Timestamp; null when unset; INVALID_ARGUMENT when out of range.</summary>
    public static DateTimeOffset? Time(string field, Timestamp? t)
    {
        if (t is null)
            return null;
        try { return t.ToDateTimeOffset(); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
        {
            throw DomainException.Invalid(field, $"{field} is not a valid time (seconds {t.Seconds}, nanos {t.Nanos}).");
        }
    }

    /// <summary>A duration from a Duration; null when unset; INVALID_ARGUMENT when out of range.</summary>
    public static TimeSpan? Span(string field, Duration? d)
    {
        if (d is null)
            return null;
        try { return d.ToTimeSpan(); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException or OverflowException)
        {
            throw DomainException.Invalid(field, $"{field} is not a valid duration.");
        }
    }
}
