using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Logistics;

namespace WeGoAssembly.Grains.Rules;

/// <summary>What a valid site visit looks like, and how its times and vehicles feed the assignment.</summary>
public static class SiteVisitRules
{
    public const int MaxVehicles = 100, MaxCapacity = 100_000, MaxVehicleIdLength = 32;

    /// <summary>Checks and cleans a visit: texts trimmed (NFC), end after start, capacity ≥ 1, vehicle ids unique, seats ≥ 1.</summary>
    public static (SiteVisit Visit, IReadOnlyList<FieldError> Errors) Validate(SiteVisit visit)
    {
        var errors = new List<FieldError>();
        var vehicles = new List<Vehicle>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var vehicle in visit.Vehicles ?? [])
        {
            var id = (vehicle.Id ?? "").Trim();
            if (id.Length is 0 or > MaxVehicleIdLength || id.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
                errors.Add(new("vehicles.id", $"Vehicle id \"{TextRules.Shorten(id)}\" must be 1 to {MaxVehicleIdLength} characters without spaces (for example \"bus-1\")."));
            else if (!ids.Add(id))
                errors.Add(new("vehicles.id", $"Vehicle id \"{id}\" is listed twice; each vehicle of a visit needs its own id."));
            if (vehicle.Seats < 1)
                errors.Add(new("vehicles.seats", $"Vehicle \"{id}\" has {vehicle.Seats} seats; it needs at least 1."));
            vehicles.Add(new Vehicle(id, vehicle.Seats, TextRules.Text("vehicles.label", vehicle.Label, 100, required: false, errors)));
        }
        if (vehicles.Count > MaxVehicles)
            errors.Add(new("vehicles", $"A visit has at most {MaxVehicles} vehicles; this one lists {vehicles.Count}."));

        var cleaned = visit with
        {
            TitleEn = TextRules.Text("title_en", visit.TitleEn, 200, required: true, errors),
            TitleKo = TextRules.Text("title_ko", visit.TitleKo, 200, required: false, errors),
            DescriptionEn = Multiline("description_en", visit.DescriptionEn, 4000, errors),
            DescriptionKo = Multiline("description_ko", visit.DescriptionKo, 4000, errors),
            Place = TextRules.Text("place", visit.Place, 200, required: true, errors),
            MeetingPoint = TextRules.Text("meeting_point", visit.MeetingPoint, 200, required: true, errors),
            AccessibilityNotes = Multiline("accessibility_notes", visit.AccessibilityNotes, 2000, errors),
            Vehicles = vehicles,
        };
        if (visit.StartsAt == default)
            errors.Add(new("starts_at", "starts_at is required: the departure from the meeting point."));
        if (visit.EndsAt == default)
            errors.Add(new("ends_at", "ends_at is required: the return to the meeting point."));
        else if (visit.EndsAt <= visit.StartsAt)
            errors.Add(new("ends_at", $"ends_at {visit.EndsAt:u} is not after starts_at {visit.StartsAt:u}; a visit must end after it starts."));
        if (visit.Capacity < 1)
            errors.Add(new("capacity", $"capacity {visit.Capacity} must be at least 1."));
        else if (visit.Capacity > MaxCapacity)
            errors.Add(new("capacity", $"capacity {visit.Capacity} is above the limit of {MaxCapacity}."));
        var seats = vehicles.Sum(v => (long)Math.Max(0, v.Seats));
        if (vehicles.Count > 0 && visit.Capacity > seats)
            errors.Add(new("capacity", $"capacity {visit.Capacity} is more than the {seats} seats of the visit's vehicles; add a vehicle or lower the capacity."));
        return (cleaned, errors);
    }

    /// <summary>The visit as the assignment sees it.</summary>
    public static VisitSlot Slot(SiteVisit visit) =>
        new(visit.Id, visit.StartsAt, visit.EndsAt, visit.Capacity, visit.Vehicles.Select(v => new VisitVehicle(v.Id, v.Seats)).ToArray());

    /// <summary>A visit id: "{assemblyId}.{slug}".</summary>
    public static string Id(string assemblyId, string slug) => $"{assemblyId}.{slug}";

    /// <summary>The assembly of a visit id; INVALID_ARGUMENT when the text is not one.</summary>
    public static string AssemblyOf(string field, string? id)
    {
        var parts = (id ?? "").Trim().Split('.');
        var errors = new List<FieldError>();
        if (parts.Length == 2 && TextRules.Slug(field, parts[0], errors) is var assembly && TextRules.Slug(field, parts[1], errors) is not null && errors.Count == 0)
            return assembly;
        throw DomainException.Invalid(field, $"{field} \"{TextRules.Shorten(id ?? "")}\" is not a site visit id such as \"ga-2023.gwangjang-market\".");
    }

    // Descriptions keep line breaks and tabs but no other control characters.
    private static string Multiline(string field, string? value, int maxLength, List<FieldError> errors)
    {
        var text = (value ?? "").Trim().Normalize(System.Text.NormalizationForm.FormC);
        if (text.Length > maxLength)
            errors.Add(new(field, $"{field} is {text.Length} characters long; at most {maxLength} are allowed."));
        else if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            errors.Add(new(field, $"{field} contains a control character."));
        return text;
    }
}
