using WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Web;

/// <summary>Roles and accreditation states as the screens name them, in English and Korean.</summary>
public static class AccreditationText
{
    /// <summary>The roles a delegation registers, in the order a form offers them.</summary>
    public static readonly ParticipantRole[] Roles =
        [ParticipantRole.VotingDelegate, ParticipantRole.Alternate, ParticipantRole.Advisor, ParticipantRole.Observer];

    /// <summary>A participant as people call them: given and family name, or the one name of a single-named person.</summary>
    public static string Name(Participant p) => p.FamilyName.Length == 0 ? p.GivenName : $"{p.GivenName} {p.FamilyName}";

    public static string Role(ParticipantRole role) => role switch
    {
        ParticipantRole.VotingDelegate => Lang.T("Voting delegate", "투표 대표"),
        ParticipantRole.Alternate => Lang.T("Alternate", "대리 대표"),
        ParticipantRole.Advisor => Lang.T("Advisor", "자문"),
        ParticipantRole.Observer => Lang.T("Observer", "참관인"),
        _ => "",
    };

    public static string Status(AccreditationStatus status) => status switch
    {
        AccreditationStatus.Submitted => Lang.T("Waiting for review", "심사 대기"),
        AccreditationStatus.Approved => Lang.T("Approved", "승인됨"),
        AccreditationStatus.Rejected => Lang.T("Rejected", "거절됨"),
        AccreditationStatus.BadgeIssued => Lang.T("Badge issued", "출입증 발급됨"),
        _ => "",
    };
}
