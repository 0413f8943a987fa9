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
    /// <summary>The sample assembly, opened when no assembly is named: there is no rpc listing assemblies.</summary>
    public const string SampleAssembly = "ga-2023";

    protected TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>Reads the assembly's time zone (GetAssembly); a refusal is shown as <see cref="WebPage.Error"/>.</summary>
    protected Task<bool> LoadZoneAsync(string assemblyId) => Try(async () =>
    {
        var assembly = (await Api.Assembly.GetAssembly(new() { AssemblyId = assemblyId }, await Api.Caller(Leaving))).Assembly;
        Zone = TimeZoneInfo.FindSystemTimeZoneById(assembly.TimeZone);
    });

    protected DateTimeOffset Local(Timestamp time) => TimeZoneInfo.ConvertTime(time.ToDateTimeOffset(), Zone);

    protected string When(Timestamp? time, string format = "yyyy-MM-dd HH:mm") => time is null ? "" : Local(time).ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    protected static string Text(string en, string ko) => Lang.Korean && ko.Length > 0 ? ko : en;

    public static string Name(ManifestEntry p) => $"{p.FamilyName} {p.GivenName}".Trim() is { Length: > 0 } name ? name : p.ParticipantId;
}
