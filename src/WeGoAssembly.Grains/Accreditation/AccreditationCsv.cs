using System.Globalization;
using WeGoAssembly.Contracts.Accreditation;

namespace WeGoAssembly.Grains.Accreditation;

/// <summary>
/// The secretariat's CSV exports: UTF-8 (names in any script), RFC 4180 quoting, a header line. Fields
/// that a spreadsheet would run as a formula (starting with = + - @) get a leading apostrophe.
/// </summary>
public static class AccreditationCsv
{
    public static readonly string[] DelegationColumns =
    [
        "member_city_id", "member_city_name", "participant_id", "given_name", "family_name", "role", "head_of_delegation",
        "title", "organisation", "email", "accreditation_status", "rejection_reason", "badge_number", "presence", "registered_at_utc",
    ];

    public static readonly string[] PresentColumns =
        ["member_city_id", "member_city_name", "participant_id", "given_name", "family_name", "role", "badge_number", "checked_in_at_utc", "checked_in_at_local"];

    public static readonly string[] HistoryColumns =
    [
        "at_utc", "at_local", "event", "member_city_id", "member_city_name", "participant_id", "given_name", "family_name", "role", "badge_number", "scanned_by", "note",
    ];

    public static byte[] Delegations(IEnumerable<(Participant Participant, string MemberCityName)> rows) => CsvExport.Write(DelegationColumns, rows.Select(r => new[]
    {
        r.Participant.MemberCityId, r.MemberCityName, r.Participant.Id, r.Participant.GivenName, r.Participant.FamilyName, Name(r.Participant.Role),
        r.Participant.HeadOfDelegation ? "true" : "false", r.Participant.Title, r.Participant.Organisation, r.Participant.Email,
        Name(r.Participant.Status), r.Participant.RejectionReason, r.Participant.BadgeNumber, Name(r.Participant.Presence), Utc(r.Participant.RegisteredAt),
    }));

    public static byte[] PresentNow(IEnumerable<(Participant Participant, string MemberCityName)> rows, TimeZoneInfo zone) => CsvExport.Write(PresentColumns, rows.Select(r => new[]
    {
        r.Participant.MemberCityId, r.MemberCityName, r.Participant.Id, r.Participant.GivenName, r.Participant.FamilyName, Name(r.Participant.Role),
        r.Participant.BadgeNumber, Utc(r.Participant.PresenceChangedAt), Local(r.Participant.PresenceChangedAt, zone),
    }));

    public static byte[] AttendanceHistory(IEnumerable<(PresenceEvent Event, Participant Participant, string MemberCityName)> rows, TimeZoneInfo zone) =>
        CsvExport.Write(HistoryColumns, rows.Select(r => new[]
        {
            Utc(r.Event.At), Local(r.Event.At, zone), r.Event.CheckedIn ? "checked_in" : "checked_out", r.Participant.MemberCityId, r.MemberCityName,
            r.Participant.Id, r.Participant.GivenName, r.Participant.FamilyName, Name(r.Participant.Role), r.Participant.BadgeNumber, r.Event.Actor, r.Event.Note,
        }));

    /// <summary>The CSV name of an enum value: VotingDelegate → "voting_delegate".</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    private static string Utc(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    private static string Local(DateTimeOffset? at, TimeZoneInfo zone) =>
        at is { } time ? TimeZoneInfo.ConvertTime(time, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";
}
