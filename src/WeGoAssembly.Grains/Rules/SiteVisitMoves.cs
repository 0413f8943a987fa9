using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Logistics;

namespace WeGoAssembly.Grains.Rules;

/// <summary>Seats and waitlists of an assembly's visits: what an assignment run leaves and moves and promotions change.</summary>
public sealed record SeatBook(IReadOnlyList<VisitSeat> Seats, IReadOnlyList<VisitWaitlist> Waitlists)
{
    public static SeatBook Empty { get; } = new([], []);

    public IReadOnlyList<WaitlistEntry> WaitlistOf(string visitId) => Waitlists.FirstOrDefault(w => w.VisitId == visitId)?.Entries ?? [];
}

/// <summary>The result of a move on the seat book: the new book, and whether the destination went over its seats (an override).</summary>
public sealed record MoveResult(SeatBook Book, bool OverCapacity, VisitSeat? NewSeat);

/// <summary>
/// Staff moves and waitlist promotion as pure functions over a <see cref="SeatBook"/>. A move never creates an
/// overlap (a person never holds two seats whose times overlap) and refuses a full visit or vehicle unless
/// overridden; a freed seat is filled from the waitlist with <see cref="SiteVisitAssignment.PromoteFromWaitlist"/>.
/// </summary>
public static class SiteVisitMoves
{
    /// <summary>Applies a move; throws FAILED_PRECONDITION (nothing to move, overlap, full) or NOT_FOUND (unknown vehicle).</summary>
    public static MoveResult Apply(SeatBook book, IReadOnlyDictionary<string, VisitSlot> slots, ParticipantMove move, int choiceRankOnTarget)
    {
        var person = move.ParticipantId;
        var seats = book.Seats.ToList();
        var waitlists = book.Waitlists.ToDictionary(w => w.VisitId, w => w.Entries.ToList(), StringComparer.Ordinal);
        string? previousVehicle = null;

        if (move.FromSiteVisitId is { Length: > 0 } from)
        {
            var seat = seats.FirstOrDefault(s => s.ParticipantId == person && s.VisitId == from);
            if (seat is not null)
            {
                seats.Remove(seat);
                previousVehicle = seat.VehicleId;
            }
            else if (waitlists.TryGetValue(from, out var waiting) && waiting.RemoveAll(e => e.ParticipantId == person) > 0) { }
            else
                throw new DomainException(DomainErrorKind.StateConflict, $"{person} holds no seat and no waitlist place on {from}; read GetAssignment for where they are.");
        }

        VisitSeat? added = null;
        var overCapacity = false;
        if (move.ToSiteVisitId is { Length: > 0 } to)
        {
            var slot = slots[to];
            if (seats.Any(s => s.ParticipantId == person && s.VisitId == to))
                throw new DomainException(DomainErrorKind.StateConflict, $"{person} already holds a seat on {to}; to change vehicle, move from {to} to {to}.");
            if (seats.FirstOrDefault(s => s.ParticipantId == person && SiteVisitAssignment.Overlaps(slots[s.VisitId], slot)) is { } clash)
                throw new DomainException(DomainErrorKind.StateConflict,
                    $"{person} holds a seat on {clash.VisitId}, which overlaps {to} in time; move them off {clash.VisitId} in the same request (from_site_visit_id).");

            var onVisit = seats.Where(s => s.VisitId == to).ToArray();
            var vehicles = slot.Vehicles ?? [];
            string? vehicleId = null;
            if (move.ToVehicleId is { Length: > 0 } wanted)
            {
                var vehicle = vehicles.FirstOrDefault(v => v.Id == wanted)
                    ?? throw DomainException.NotFound($"Visit {to} has no vehicle \"{wanted}\"; its vehicles are {string.Join(", ", vehicles.Select(v => v.Id))}.");
                vehicleId = vehicle.Id;
                if (onVisit.Count(s => s.VehicleId == wanted) >= vehicle.Seats)
                    overCapacity = true;
            }
            else if (vehicles.Count > 0)
            {
                vehicleId = vehicles.FirstOrDefault(v => onVisit.Count(s => s.VehicleId == v.Id) < v.Seats)?.Id;
                if (vehicleId is null)
                {
                    overCapacity = true;
                    vehicleId = previousVehicle is not null && move.FromSiteVisitId == to ? previousVehicle : vehicles[^1].Id;
                }
            }
            if (onVisit.Length >= slot.SeatLimit)
                overCapacity = true;
            if (overCapacity && !move.OverrideCapacity)
                throw new DomainException(DomainErrorKind.StateConflict, move.ToVehicleId is { Length: > 0 } v && onVisit.Length < slot.SeatLimit
                    ? $"Vehicle {v} of {to} is full; choose another vehicle, leave to_vehicle_id empty, or set override_capacity with a reason."
                    : $"{to} is full ({onVisit.Length} of {slot.SeatLimit} seats taken); set override_capacity with a reason to seat {person} anyway.");

            added = new VisitSeat(person, to, vehicleId, choiceRankOnTarget, PlacedByStaff: true);
            seats.Add(added);
            // Seated now: off this visit's waitlist and those of visits that overlap it.
            foreach (var (visitId, entries) in waitlists)
                if (visitId == to || SiteVisitAssignment.Overlaps(slots[visitId], slot))
                    entries.RemoveAll(e => e.ParticipantId == person);
        }
        return new(new SeatBook(Sorted(seats), waitlists.Select(w => new VisitWaitlist(w.Key, w.Value)).OrderBy(w => w.VisitId, StringComparer.Ordinal).ToArray()),
            overCapacity, added);
    }

    /// <summary>Fills free seats of <paramref name="visitId"/> from its waitlist; promoted people leave the waitlists of overlapping visits.</summary>
    public static (SeatBook Book, IReadOnlyList<VisitSeat> Promoted) Promote(SeatBook book, IReadOnlyDictionary<string, VisitSlot> slots, string visitId)
    {
        var slot = slots[visitId];
        var promotion = SiteVisitAssignment.PromoteFromWaitlist(slot, book.WaitlistOf(visitId), book.Seats, slots.Values.ToArray());
        if (promotion.Promoted.Count == 0 && promotion.Waitlist.Count == book.WaitlistOf(visitId).Count)
            return (book, []);
        var promoted = promotion.Promoted.Select(p => p.ParticipantId).ToHashSet(StringComparer.Ordinal);
        var waitlists = book.Waitlists
            .Select(w => w.VisitId == visitId ? new VisitWaitlist(visitId, promotion.Waitlist)
                : SiteVisitAssignment.Overlaps(slots[w.VisitId], slot) ? new VisitWaitlist(w.VisitId, w.Entries.Where(e => !promoted.Contains(e.ParticipantId)).ToArray())
                : w)
            .ToArray();
        return (new SeatBook(Sorted([.. book.Seats, .. promotion.Promoted]), waitlists), promotion.Promoted);
    }

    /// <summary>Every placement (seats and waitlist places), by participant id, then visit id.</summary>
    public static IReadOnlyList<Placement> Placements(SeatBook book) =>
        book.Seats.Select(s => new Placement(s.ParticipantId, s.VisitId, PlacementStatus.Assigned, s.VehicleId, 0, s.ChoiceRank, s.PlacedByStaff))
            .Concat(book.Waitlists.SelectMany(w => w.Entries.Select((e, i) =>
                new Placement(e.ParticipantId, w.VisitId, PlacementStatus.Waitlisted, null, i + 1, e.ChoiceRank, false))))
            .OrderBy(p => p.ParticipantId, StringComparer.Ordinal).ThenBy(p => p.SiteVisitId, StringComparer.Ordinal)
            .ToArray();

    private static VisitSeat[] Sorted(IEnumerable<VisitSeat> seats) =>
        seats.OrderBy(s => s.VisitId, StringComparer.Ordinal).ThenBy(s => s.ParticipantId, StringComparer.Ordinal).ToArray();
}
