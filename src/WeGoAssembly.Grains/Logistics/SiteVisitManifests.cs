using System.Globalization;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Logistics;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Logistics;

/// <summary>One passenger line of a manifest.</summary>
public sealed record ManifestEntry(
    string ParticipantId, string GivenName, string FamilyName, string MemberCityId, string BadgeNumber, bool CheckedIn, DateTimeOffset? CheckedInAt);

/// <summary>The passengers of one vehicle (null for a visit without vehicles), by family name then given name.</summary>
public sealed record VehicleManifest(Vehicle? Vehicle, IReadOnlyList<ManifestEntry> Passengers);

/// <summary>A visit's manifest: passengers per vehicle, the waitlist, and after departure the seated passengers not checked in.</summary>
public sealed record Manifest(SiteVisit Visit, IReadOnlyList<VehicleManifest> Vehicles, IReadOnlyList<ManifestEntry> Waitlist, bool Departed, IReadOnlyList<ManifestEntry> NoShows);

/// <summary>
/// Builds manifests from the plan (seats, waitlist, departure check-ins) and the delegations (names, badge numbers).
/// A read model: it decides nothing and writes nothing.
/// </summary>
public sealed class SiteVisitManifests(IGrainFactory grains, TimeProvider clock)
{
    public static readonly string[] CsvColumns =
        ["vehicle_id", "vehicle_label", "participant_id", "family_name", "given_name", "member_city_id", "badge_number", "checked_in", "checked_in_at_utc", "no_show"];

    public async Task<Manifest> BuildAsync(string siteVisitId, string? vehicleId)
    {
        var assemblyId = SiteVisitRules.AssemblyOf("site_visit_id", siteVisitId);
        var visit = await grains.GetGrain<ISiteVisitGrain>(siteVisitId.Trim()).GetAsync()
            ?? throw DomainException.NotFound($"No site visit \"{TextRules.Shorten(siteVisitId)}\" exists; ListSiteVisits lists an assembly's visits.");
        if (vehicleId is { Length: > 0 } && visit.Vehicles.All(v => v.Id != vehicleId))
            throw DomainException.NotFound($"Visit {visit.Id} has no vehicle \"{TextRules.Shorten(vehicleId)}\"; its vehicles are {string.Join(", ", visit.Vehicles.Select(v => v.Id))}.");
        var plan = grains.GetGrain<ISiteVisitPlanGrain>(assemblyId);
        var placements = (await plan.GetAssignmentAsync())?.Placements.Where(p => p.SiteVisitId == visit.Id).ToArray() ?? [];
        var checkIns = (await plan.GetDepartureCheckInsAsync(visit.Id)).ToDictionary(c => c.ParticipantId, StringComparer.Ordinal);
        var people = await ParticipantsAsync(assemblyId, placements.Select(p => p.ParticipantId));

        ManifestEntry Entry(string id)
        {
            var person = people.GetValueOrDefault(id);
            var checkIn = checkIns.GetValueOrDefault(id);
            return new ManifestEntry(id, person?.GivenName ?? "", person?.FamilyName ?? "", person?.MemberCityId ?? "", person?.BadgeNumber ?? "",
                checkIn is not null, checkIn?.At);
        }
        static IReadOnlyList<ManifestEntry> Ordered(IEnumerable<ManifestEntry> entries) => entries
            .OrderBy(e => e.FamilyName, StringComparer.CurrentCulture).ThenBy(e => e.GivenName, StringComparer.CurrentCulture)
            .ThenBy(e => e.ParticipantId, StringComparer.Ordinal).ToArray();

        var seated = placements.Where(p => p.Status == PlacementStatus.Assigned).ToArray();
        var vehicles = visit.Vehicles.Count == 0
            ? [new VehicleManifest(null, Ordered(seated.Select(p => Entry(p.ParticipantId))))]
            : visit.Vehicles.Where(v => vehicleId is not { Length: > 0 } || v.Id == vehicleId)
                .Select(v => new VehicleManifest(v, Ordered(seated.Where(p => p.VehicleId == v.Id).Select(p => Entry(p.ParticipantId)))))
                .ToArray();
        var waitlist = placements.Where(p => p.Status == PlacementStatus.Waitlisted).OrderBy(p => p.WaitlistPosition).Select(p => Entry(p.ParticipantId)).ToArray();
        var departed = clock.GetUtcNow() >= visit.StartsAt;
        var noShows = departed ? Ordered(vehicles.SelectMany(v => v.Passengers).Where(e => !e.CheckedIn)) : [];
        return new Manifest(visit, vehicles, waitlist, departed, noShows);
    }

    /// <summary>The manifest as UTF-8 CSV (RFC 4180): passengers per vehicle in boarding order, then the waitlist (vehicle_id "waitlist").</summary>
    public static byte[] Csv(Manifest manifest)
    {
        var noShows = manifest.NoShows.Select(e => e.ParticipantId).ToHashSet(StringComparer.Ordinal);
        var rows = manifest.Vehicles.SelectMany(v => v.Passengers.Select(p => Row(v.Vehicle?.Id ?? "", v.Vehicle?.Label ?? "", p, noShows.Contains(p.ParticipantId))))
            .Concat(manifest.Waitlist.Select(p => Row("waitlist", "", p, noShow: false)));
        return CsvExport.Write(CsvColumns, rows);
    }

    private static string[] Row(string vehicleId, string label, ManifestEntry e, bool noShow) =>
    [
        vehicleId, label, e.ParticipantId, e.FamilyName, e.GivenName, e.MemberCityId, e.BadgeNumber, e.CheckedIn ? "true" : "false",
        e.CheckedInAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "", noShow ? "true" : "false",
    ];

    /// <summary>The registered participants among <paramref name="ids"/>, read from their delegations.</summary>
    private async Task<Dictionary<string, Participant>> ParticipantsAsync(string assemblyId, IEnumerable<string> ids)
    {
        var people = new Dictionary<string, Participant>(StringComparer.Ordinal);
        foreach (var city in ids.Select(id => id.Split('.')).Where(p => p.Length == 3).Select(p => p[1]).Distinct(StringComparer.Ordinal))
        {
            try
            {
                foreach (var p in (await grains.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(assemblyId, city)).GetAsync()).Participants)
                    people[p.Id] = p;
            }
            catch (DomainException e) when (e.Kind == DomainErrorKind.NotFound) { }   // a city removed since: the line keeps its id
        }
        return people;
    }
}
