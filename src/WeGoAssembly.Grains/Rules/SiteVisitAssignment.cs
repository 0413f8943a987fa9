using WeGoAssembly.Contracts;

namespace WeGoAssembly.Grains.Rules;

/// <summary>A vehicle of a site visit: its id (unique within the visit) and its seats for participants.</summary>
public sealed record VisitVehicle(string Id, int Seats);

/// <summary>A site visit as the assignment sees it: a time slot, a capacity and vehicles in boarding order.</summary>
public sealed record VisitSlot(string Id, DateTimeOffset Start, DateTimeOffset End, int Capacity, IReadOnlyList<VisitVehicle> Vehicles)
{
    /// <summary>
    /// Seats the assignment fills: the capacity, and never more than the vehicles' seats when the visit lists
    /// vehicles (a seat nobody can ride in is not a seat). A visit without vehicles is reached on foot.
    /// </summary>
    public int SeatLimit => Vehicles is null || Vehicles.Count == 0
        ? Capacity
        : (int)Math.Min(Capacity, Vehicles.Sum(v => (long)Math.Max(0, v.Seats)));
}

/// <summary>One participant's ranking of the visits, first choice first (rank 1).</summary>
public sealed record VisitPreference(string ParticipantId, string DelegationId, IReadOnlyList<string> RankedVisitIds);

/// <summary>
/// A seat staff gave by hand (MoveParticipant), kept by every run even beyond capacity (an audited override). It is
/// its holder's seat for that overlap group: the run gives them no other seat there and takes the seat off the free ones.
/// </summary>
public sealed record StaffSeat(string ParticipantId, string VisitId, string? VehicleId = null);

/// <summary>
/// What an assignment run starts from. Every participant named anywhere needs a preference entry, even an
/// empty one, because the delegation decides the tie-break order. The seed (for example the assembly id)
/// varies the tie-break order between assemblies without making a run irreproducible.
/// </summary>
public sealed record AssignmentInput(
    IReadOnlyList<VisitSlot> Visits,
    IReadOnlyList<VisitPreference> Preferences,
    IReadOnlyList<StaffSeat>? StaffSeats = null,
    string TieBreakSeed = "");

/// <summary>A seat on a visit (and in a vehicle when the visit has vehicles); choice rank 0 for an unranked visit.</summary>
public sealed record VisitSeat(string ParticipantId, string VisitId, string? VehicleId, int ChoiceRank, bool PlacedByStaff);

/// <summary>One place on a waitlist, with the rank the participant gave the visit.</summary>
public sealed record WaitlistEntry(string ParticipantId, int ChoiceRank);

/// <summary>A visit's waitlist, next to move up first.</summary>
public sealed record VisitWaitlist(string VisitId, IReadOnlyList<WaitlistEntry> Entries);

/// <summary>
/// How well a run met the preferences. Participant figures count people (by the best-ranked seat each holds,
/// staff seats included); request figures count what the optimisation decided: one request per participant per
/// overlap group in which they ranked a visit and hold no staff seat, so Requests = sum(SeatsByRank) + UnplacedRequests.
/// Index r of a by-rank list is choice rank r + 1.
/// </summary>
public sealed record AssignmentStatistics(
    int ParticipantsWithPreferences,
    int ParticipantsPlaced,
    int ParticipantsUnplaced,
    IReadOnlyList<int> ParticipantsByBestRank,
    int Requests,
    IReadOnlyList<int> SeatsByRank,
    int UnplacedRequests,
    long RankSum,
    int StaffSeats);

/// <summary>The result of a run: seats (by visit id, then participant id), one waitlist per visit (by visit id), figures.</summary>
public sealed record AssignmentOutcome(
    IReadOnlyList<VisitSeat> Seats,
    IReadOnlyList<VisitWaitlist> Waitlists,
    AssignmentStatistics Statistics);

/// <summary>Seats given from a waitlist, and the waitlist that remains.</summary>
public sealed record WaitlistPromotion(IReadOnlyList<VisitSeat> Promoted, IReadOnlyList<WaitlistEntry> Waitlist);

/// <summary>
/// Assigns participants to site visits from their ranked preferences: optimally, deterministically, fairly.
/// <para>
/// Overlap: visits are grouped into overlap groups, the connected components of "their time slots overlap"
/// (half-open [start, end): a visit ending at 12:00 does not overlap one starting at 12:00). A person gets at
/// most one seat per group. This is conservative: with 09–12, 11–14 and 13–16 in one group, nobody gets both
/// 09–12 and 13–16 from the assignment (staff can still give both by hand). In exchange the groups are
/// independent problems and nobody is ever double-booked.
/// </para>
/// <para>
/// Optimal: within each group, first the most requests placed, then the lowest sum of choice ranks. It is a
/// min-cost maximum flow (source → person → ranked visit at cost = rank → sink with the visit's seats), solved
/// by successive shortest paths whose residual graph is compressed onto the visits (see <see cref="SeatFlow"/>).
/// </para>
/// <para>
/// Fair: ties between optimal assignments are broken by one fixed order of people, <see cref="FairOrder"/>,
/// which deals people round-robin over delegations (one person of every delegation before anyone's second), so
/// when delegations compete for the same seats their shares differ by at most one person per round. Within a
/// delegation, and between delegations, the order comes from a stable hash of the ids and the seed, never from
/// the alphabet or the order of the input. When several placements cost the same, the earlier person in that
/// order is placed (and, when someone must be moved to a worse choice to make room, the later person moves).
/// </para>
/// <para>
/// Deterministic: the same input, in any list order (visits, preferences, staff seats), gives the same output.
/// Vehicle order and each ranking are meaningful and are kept.
/// </para>
/// </summary>
public static class SiteVisitAssignment
{
    /// <summary>Finds the optimal assignment. Throws INVALID_ARGUMENT (<see cref="DomainException"/>) on bad input.</summary>
    public static AssignmentOutcome Assign(AssignmentInput input) => Run(input, SeatFlow.Solve);

    /// <summary>Whether two visits' time slots overlap (half-open intervals, compared as instants).</summary>
    public static bool Overlaps(VisitSlot a, VisitSlot b) => a.Start < b.End && b.Start < a.End;

    /// <summary>Every problem with an input: unknown or twice-ranked visits, negative capacity or seats, end not after start, duplicates.</summary>
    public static IReadOnlyList<FieldError> Validate(AssignmentInput input)
    {
        var errors = new List<FieldError>();
        if (input.Visits is null)
            errors.Add(new("visits", "The visit list is required (it may be empty)."));
        if (input.Preferences is null)
            errors.Add(new("preferences", "The preference list is required (it may be empty)."));
        var visits = new Dictionary<string, VisitSlot>(StringComparer.Ordinal);
        foreach (var visit in input.Visits ?? [])
        {
            if (string.IsNullOrWhiteSpace(visit.Id))
            {
                errors.Add(new("visits.id", "Every visit needs an id."));
                continue;
            }
            if (!visits.TryAdd(visit.Id, visit))
                errors.Add(new("visits.id", $"Visit \"{visit.Id}\" is listed twice."));
            if (visit.Capacity < 0)
                errors.Add(new("visits.capacity", $"Visit \"{visit.Id}\" has capacity {visit.Capacity}; it must be 0 or more."));
            if (visit.End <= visit.Start)
                errors.Add(new("visits.ends_at", $"Visit \"{visit.Id}\" ends at {visit.End:u}, which is not after its start {visit.Start:u}."));
            if (visit.Vehicles is null)
            {
                errors.Add(new("visits.vehicles", $"Visit \"{visit.Id}\" needs a vehicle list (empty when it has no vehicles)."));
                continue;
            }
            var vehicleIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var vehicle in visit.Vehicles)
            {
                if (string.IsNullOrWhiteSpace(vehicle.Id))
                    errors.Add(new("visits.vehicles.id", $"A vehicle of visit \"{visit.Id}\" has no id."));
                else if (!vehicleIds.Add(vehicle.Id))
                    errors.Add(new("visits.vehicles.id", $"Vehicle \"{vehicle.Id}\" is listed twice on visit \"{visit.Id}\"."));
                if (vehicle.Seats < 0)
                    errors.Add(new("visits.vehicles.seats", $"Vehicle \"{vehicle.Id}\" of visit \"{visit.Id}\" has {vehicle.Seats} seats; it must be 0 or more."));
            }
        }

        var people = new HashSet<string>(StringComparer.Ordinal);
        foreach (var preference in input.Preferences ?? [])
        {
            if (string.IsNullOrWhiteSpace(preference.ParticipantId))
            {
                errors.Add(new("preferences.participant_id", "Every preference needs a participant id."));
                continue;
            }
            if (!people.Add(preference.ParticipantId))
                errors.Add(new("preferences.participant_id", $"Participant \"{preference.ParticipantId}\" has two preference lists."));
            if (string.IsNullOrWhiteSpace(preference.DelegationId))
                errors.Add(new("preferences.delegation_id", $"Participant \"{preference.ParticipantId}\" has no delegation."));
            var ranked = new HashSet<string>(StringComparer.Ordinal);
            foreach (var visitId in preference.RankedVisitIds ?? [])
            {
                if (!visits.ContainsKey(visitId ?? ""))
                    errors.Add(new("preferences.ranked_visit_ids", $"Participant \"{preference.ParticipantId}\" ranks visit \"{visitId}\", which does not exist."));
                else if (!ranked.Add(visitId!))
                    errors.Add(new("preferences.ranked_visit_ids", $"Participant \"{preference.ParticipantId}\" ranks visit \"{visitId}\" twice."));
            }
        }

        var staffSeats = new Dictionary<string, List<VisitSlot>>(StringComparer.Ordinal);
        foreach (var seat in input.StaffSeats ?? [])
        {
            if (!people.Contains(seat.ParticipantId ?? ""))
                errors.Add(new("staff_seats.participant_id", $"Participant \"{seat.ParticipantId}\" has a staff seat but no preference entry (an empty one will do)."));
            if (!visits.TryGetValue(seat.VisitId ?? "", out var visit))
            {
                errors.Add(new("staff_seats.visit_id", $"Participant \"{seat.ParticipantId}\" has a staff seat on visit \"{seat.VisitId}\", which does not exist."));
                continue;
            }
            if (seat.VehicleId is not null && !(visit.Vehicles ?? []).Any(v => v.Id == seat.VehicleId))
                errors.Add(new("staff_seats.vehicle_id", $"Visit \"{visit.Id}\" has no vehicle \"{seat.VehicleId}\"."));
            if (!staffSeats.TryGetValue(seat.ParticipantId ?? "", out var held))
                staffSeats[seat.ParticipantId ?? ""] = held = [];
            if (held.Any(h => h.Id == visit.Id))
                errors.Add(new("staff_seats.visit_id", $"Participant \"{seat.ParticipantId}\" has two staff seats on visit \"{visit.Id}\"."));
            else if (held.FirstOrDefault(h => Overlaps(h, visit)) is { } other)
                errors.Add(new("staff_seats.visit_id", $"Participant \"{seat.ParticipantId}\" has staff seats on \"{other.Id}\" and \"{visit.Id}\", which overlap in time."));
            held.Add(visit);
        }
        return errors;
    }

    /// <summary>
    /// The tie-break order of participants (ids, earliest first). Delegations are dealt round-robin: round j takes
    /// the j-th person of every delegation that still has one, starting the round at a different delegation
    /// each time so no delegation is always first. Delegations, and people within one, are ordered by a stable
    /// 64-bit hash of the seed and the id (ordinal id on a collision): fixed for a given seed, not alphabetical.
    /// </summary>
    public static IReadOnlyList<string> FairOrder(IReadOnlyList<VisitPreference> preferences, string tieBreakSeed = "") =>
        FairOrderOf(preferences, tieBreakSeed).Select(p => p.ParticipantId).ToArray();

    /// <summary>
    /// Fills free seats of a visit from its waitlist: in waitlist order, each person who holds no seat on this
    /// visit and no seat on a visit that overlaps it in time gets the next free seat, in the first vehicle (boarding
    /// order) with a free seat. People skipped because of an overlapping seat keep their place; people already
    /// seated here leave the waitlist. The caller takes the promoted people off the waitlists of visits that
    /// overlap this one. Every visit named by <paramref name="seats"/> must be in <paramref name="visits"/>.
    /// </summary>
    public static WaitlistPromotion PromoteFromWaitlist(
        VisitSlot visit, IReadOnlyList<WaitlistEntry> waitlist, IReadOnlyList<VisitSeat> seats, IReadOnlyList<VisitSlot> visits)
    {
        var slots = new Dictionary<string, VisitSlot>(StringComparer.Ordinal);
        foreach (var v in visits)
            slots.TryAdd(v.Id, v);
        slots[visit.Id] = visit;
        var vehicles = visit.Vehicles ?? [];
        var load = new int[vehicles.Count];
        var seated = 0;
        var seatsByPerson = new Dictionary<string, List<VisitSlot>>(StringComparer.Ordinal);
        foreach (var seat in seats)
        {
            if (!slots.TryGetValue(seat.VisitId, out var slot))
                throw DomainException.Invalid("seats.visit_id", $"A seat of participant \"{seat.ParticipantId}\" is on visit \"{seat.VisitId}\", which is not in the visit list.");
            if (!seatsByPerson.TryGetValue(seat.ParticipantId, out var held))
                seatsByPerson[seat.ParticipantId] = held = [];
            held.Add(slot);
            if (seat.VisitId != visit.Id)
                continue;
            seated++;
            for (var i = 0; i < vehicles.Count; i++)
                if (vehicles[i].Id == seat.VehicleId)
                    load[i]++;
        }

        var free = visit.SeatLimit - seated;
        var promoted = new List<VisitSeat>();
        var remaining = new List<WaitlistEntry>();
        foreach (var entry in waitlist)
        {
            var held = seatsByPerson.GetValueOrDefault(entry.ParticipantId);
            if (held is not null && held.Any(h => h.Id == visit.Id))
                continue; // seated here already (or promoted just now): no longer waiting
            if (free <= 0 || (held is not null && held.Any(h => Overlaps(h, visit))))
            {
                remaining.Add(entry);
                continue;
            }
            string? vehicleId = null;
            for (var i = 0; i < vehicles.Count; i++)
                if (load[i] < vehicles[i].Seats)
                {
                    load[i]++;
                    vehicleId = vehicles[i].Id;
                    break;
                }
            promoted.Add(new(entry.ParticipantId, visit.Id, vehicleId, entry.ChoiceRank, PlacedByStaff: false));
            if (held is null)
                seatsByPerson[entry.ParticipantId] = held = [];
            held.Add(visit);
            free--;
        }
        return new(promoted, remaining);
    }

    /// <summary>
    /// One overlap group handed to a solver: people 0..P-1 in fair order, each with options (local visit, rank)
    /// in rank order; returns the local visit each person is seated on, -1 for none.
    /// </summary>
    internal delegate int[] GroupSolver(int visitCount, int[] seats, int[] optionStart, int[] optionVisit, int[] optionRank);

    /// <summary>Runs a solver on every overlap group and turns its answer into seats, vehicles, waitlists and figures.</summary>
    internal static AssignmentOutcome Run(AssignmentInput input, GroupSolver solve)
    {
        DomainErrors.ThrowIfAny(Validate(input));

        var visits = input.Visits.OrderBy(v => v.Id, StringComparer.Ordinal).ToArray();
        var visitIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < visits.Length; i++)
            visitIndex[visits[i].Id] = i;
        var groupOf = OverlapGroups(visits, out var groupCount);

        var people = FairOrderOf(input.Preferences, input.TieBreakSeed);
        var personIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < people.Length; i++)
            personIndex[people[i].ParticipantId] = i;
        var delegationRank = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var person in people)
            delegationRank.TryAdd(person.DelegationId, delegationRank.Count);
        var rankings = people.Select(p => (p.RankedVisitIds ?? []).Select(id => visitIndex[id]).ToArray()).ToArray();
        var maxRank = rankings.Length == 0 ? 0 : rankings.Max(r => r.Length);

        // Staff seats first: they take seats before the optimisation and take their holder out of that group.
        var staffSeats = (input.StaffSeats ?? [])
            .Select(s => (Person: personIndex[s.ParticipantId], Visit: visitIndex[s.VisitId], s.VehicleId))
            .OrderBy(s => s.Person).ThenBy(s => s.Visit)
            .ToArray();
        var staffGroups = new HashSet<(int Person, int Group)>(staffSeats.Select(s => (s.Person, groupOf[s.Visit])));
        var staffCount = new int[visits.Length];
        foreach (var s in staffSeats)
            staffCount[s.Visit]++;

        // Every seat (person, visit, rank, staff vehicle or null, by staff) and every unplaced request.
        var seats = new List<(int Person, int Visit, int Rank, string? Vehicle, bool Staff)>();
        foreach (var s in staffSeats)
            seats.Add((s.Person, s.Visit, Array.IndexOf(rankings[s.Person], s.Visit) + 1, s.VehicleId, true));
        var waiting = visits.Select(_ => new List<(int Person, int Rank)>()).ToArray();
        var seatsByRank = new int[maxRank];
        var requests = 0;
        var unplacedRequests = 0;
        long rankSum = 0;

        var visitsOfGroup = Enumerable.Range(0, groupCount).Select(_ => new List<int>()).ToArray();
        for (var v = 0; v < visits.Length; v++)
            visitsOfGroup[groupOf[v]].Add(v); // ascending, so local order is ordinal id order

        var local = new int[visits.Length];
        for (var g = 0; g < groupCount; g++)
        {
            var groupVisits = visitsOfGroup[g];
            for (var i = 0; i < groupVisits.Count; i++)
                local[groupVisits[i]] = i;
            var free = groupVisits.Select(v => Math.Max(0, visits[v].SeatLimit - staffCount[v])).ToArray();

            var members = new List<int>();
            var optionStart = new List<int> { 0 };
            var optionVisit = new List<int>();
            var optionRank = new List<int>();
            for (var p = 0; p < people.Length; p++)
            {
                if (staffGroups.Count > 0 && staffGroups.Contains((p, g)))
                    continue;
                var ranking = rankings[p];
                var before = optionVisit.Count;
                for (var r = 0; r < ranking.Length; r++)
                    if (groupOf[ranking[r]] == g)
                    {
                        optionVisit.Add(local[ranking[r]]);
                        optionRank.Add(r + 1);
                    }
                if (optionVisit.Count == before)
                    continue;
                members.Add(p);
                optionStart.Add(optionVisit.Count);
            }
            if (members.Count == 0)
                continue;

            var at = solve(groupVisits.Count, free, optionStart.ToArray(), optionVisit.ToArray(), optionRank.ToArray());
            requests += members.Count;
            for (var i = 0; i < members.Count; i++)
            {
                if (at[i] >= 0)
                {
                    var rank = 0;
                    for (var o = optionStart[i]; o < optionStart[i + 1]; o++)
                        if (optionVisit[o] == at[i])
                            rank = optionRank[o];
                    seats.Add((members[i], groupVisits[at[i]], rank, null, false));
                    seatsByRank[rank - 1]++;
                    rankSum += rank;
                    continue;
                }
                unplacedRequests++;
                for (var o = optionStart[i]; o < optionStart[i + 1]; o++)
                    waiting[groupVisits[optionVisit[o]]].Add((members[i], optionRank[o]));
            }
        }

        // Vehicles, visit by visit.
        var vehicleOf = new string?[seats.Count];
        foreach (var visitSeats in Enumerable.Range(0, seats.Count).GroupBy(i => seats[i].Visit))
            FillVehicles(visits[visitSeats.Key], visitSeats.ToArray(), seats, people, delegationRank, vehicleOf);

        var result = Enumerable.Range(0, seats.Count)
            .Select(i => new VisitSeat(people[seats[i].Person].ParticipantId, visits[seats[i].Visit].Id, vehicleOf[i], seats[i].Rank, seats[i].Staff))
            .OrderBy(s => s.VisitId, StringComparer.Ordinal).ThenBy(s => s.ParticipantId, StringComparer.Ordinal)
            .ToArray();

        var waitlists = visits.Select((visit, v) => new VisitWaitlist(visit.Id, waiting[v]
                .OrderBy(w => w.Rank).ThenBy(w => w.Person)
                .Select(w => new WaitlistEntry(people[w.Person].ParticipantId, w.Rank))
                .ToArray()))
            .ToArray();

        var bestRank = new int[people.Length];
        foreach (var s in seats)
            if (s.Rank > 0 && (bestRank[s.Person] == 0 || s.Rank < bestRank[s.Person]))
                bestRank[s.Person] = s.Rank;
        var participantsByBestRank = new int[maxRank];
        var withPreferences = 0;
        for (var p = 0; p < people.Length; p++)
        {
            if (rankings[p].Length == 0)
                continue;
            withPreferences++;
            if (bestRank[p] > 0)
                participantsByBestRank[bestRank[p] - 1]++;
        }
        var placed = participantsByBestRank.Sum();

        return new(result, waitlists, new AssignmentStatistics(
            withPreferences, placed, withPreferences - placed, participantsByBestRank,
            requests, seatsByRank, unplacedRequests, rankSum, staffSeats.Length));
    }

    /// <summary>
    /// Seats a visit's passengers in its vehicles, in boarding order. Staff seats with a vehicle keep it. The rest
    /// ride by delegation, largest party first: a party goes whole into the first vehicle with room for all of it,
    /// and is split over the free seats in boarding order only when no vehicle has that much room. Since the
    /// assignment never exceeds the vehicles' seats, only a staff override can leave someone without a vehicle.
    /// </summary>
    private static void FillVehicles(
        VisitSlot visit, int[] seatIndexes, List<(int Person, int Visit, int Rank, string? Vehicle, bool Staff)> seats,
        VisitPreference[] people, Dictionary<string, int> delegationRank, string?[] vehicleOf)
    {
        var vehicles = visit.Vehicles;
        if (vehicles.Count == 0)
            return;
        var load = new int[vehicles.Count];
        var unseated = new List<int>();
        foreach (var i in seatIndexes)
        {
            var fixedVehicle = seats[i].Vehicle is { } id ? vehicles.Select(v => v.Id).ToList().IndexOf(id) : -1;
            if (fixedVehicle >= 0)
            {
                vehicleOf[i] = vehicles[fixedVehicle].Id;
                load[fixedVehicle]++;
            }
            else
                unseated.Add(i);
        }

        var parties = unseated
            .GroupBy(i => delegationRank[people[seats[i].Person].DelegationId])
            .OrderByDescending(p => p.Count()).ThenBy(p => p.Key)
            .Select(p => p.OrderBy(i => seats[i].Person).ToArray());
        foreach (var party in parties)
        {
            var whole = -1;
            for (var k = 0; k < vehicles.Count && whole < 0; k++)
                if (vehicles[k].Seats - load[k] >= party.Length)
                    whole = k;
            foreach (var i in party)
            {
                var k = whole;
                if (k < 0)
                    for (k = 0; k < vehicles.Count && load[k] >= vehicles[k].Seats; k++) { }
                if (k >= vehicles.Count)
                    continue; // over the seats by a staff override: no vehicle
                load[k]++;
                vehicleOf[i] = vehicles[k].Id;
            }
        }
    }

    /// <summary>Connected components of the overlap relation: a sweep by start time, numbered in that order.</summary>
    private static int[] OverlapGroups(VisitSlot[] visits, out int groupCount)
    {
        var groupOf = new int[visits.Length];
        var byStart = Enumerable.Range(0, visits.Length)
            .OrderBy(i => visits[i].Start.UtcTicks).ThenBy(i => i)
            .ToArray();
        groupCount = 0;
        var groupEnd = long.MinValue;
        foreach (var i in byStart)
        {
            if (groupCount == 0 || visits[i].Start.UtcTicks >= groupEnd)
            {
                groupCount++;
                groupEnd = long.MinValue;
            }
            groupOf[i] = groupCount - 1;
            groupEnd = Math.Max(groupEnd, visits[i].End.UtcTicks);
        }
        return groupOf;
    }

    private static VisitPreference[] FairOrderOf(IReadOnlyList<VisitPreference> preferences, string seed)
    {
        seed ??= "";
        var delegations = preferences
            .GroupBy(p => p.DelegationId, StringComparer.Ordinal)
            .Select(d => d
                .OrderBy(p => StableHash(seed, "participant", p.ParticipantId))
                .ThenBy(p => p.ParticipantId, StringComparer.Ordinal)
                .ToArray())
            .OrderBy(d => StableHash(seed, "delegation", d[0].DelegationId))
            .ThenBy(d => d[0].DelegationId, StringComparer.Ordinal)
            .ToList();

        var order = new List<VisitPreference>(preferences.Count);
        for (var round = 0; delegations.Count > 0; round++)
        {
            var start = round % delegations.Count;
            for (var k = 0; k < delegations.Count; k++)
                order.Add(delegations[(start + k) % delegations.Count][round]);
            delegations.RemoveAll(d => d.Length == round + 1);
        }
        return order.ToArray();
    }

    /// <summary>FNV-1a over the UTF-16 code units, then a SplitMix64 finaliser: the same on every machine and run.</summary>
    private static ulong StableHash(string seed, string kind, string id)
    {
        var hash = 14695981039346656037UL;
        foreach (var part in (ReadOnlySpan<string>)[seed, kind, id])
        {
            foreach (var c in part)
                hash = (hash ^ c) * 1099511628211UL;
            hash = (hash ^ 0x1F) * 1099511628211UL;
        }
        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }
}
