using Google.Protobuf.WellKnownTypes;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;

namespace WeGoAssembly.Server.Web.Pages.Logistics;

/// <summary>
/// What the logistics screens share: times shown in the assembly's own time zone (a visit leaves at 14:00 in
/// Seoul whatever the staff laptop's zone is), and texts kept in both languages by the server.
/// </summary>
public abstract class LogisticsPage : WebPage
{
    /// <summary>The assembly the page works on; null before it is read or when none exists.</summary>
    protected Assembly? Current { get; private set; }

    protected string AssemblyId => Current?.Id ?? "";

    /// <summary>Reads the assembly the address names (else the default one) and its time zone; false when there is none.</summary>
    protected async Task<bool> LoadAssemblyAsync(string? named)
    {
        Current = await ChooseAssemblyAsync(named);
        return Current is not null;
    }

    /// <summary>
    /// Reads the assembly of a page that is reached through one of its records (a visit), its time zone, and the
    /// member cities, so that people are shown with their city's name.
    /// </summary>
    protected async Task<bool> LoadZoneAsync(string assemblyId)
    {
        await LoadCitiesAsync();
        return await LoadAssemblyAsync(assemblyId);
    }

    /// <summary>A vehicle as drivers and staff know it: its label ("Bus 1, 12가 3456"), else its id.</summary>
    protected static string VehicleName(SiteVisit? visit, string vehicleId) =>
        visit?.Vehicles.FirstOrDefault(v => v.Id == vehicleId) is { Label.Length: > 0 } v ? v.Label : vehicleId;

    protected static string Text(string en, string ko) => Lang.Korean && ko.Length > 0 ? ko : en;

    public static string Name(ManifestEntry p) => $"{p.FamilyName} {p.GivenName}".Trim() is { Length: > 0 } name ? name : p.ParticipantId;
}
