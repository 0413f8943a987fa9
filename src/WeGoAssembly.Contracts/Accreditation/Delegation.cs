using Orleans;
using System.Text.Json.Serialization;
using WeGoAssembly.Contracts.Assemblies;

namespace WeGoAssembly.Contracts.Accreditation;

/// <summary>What a person does in a delegation; numbers equal the proto ParticipantRole values.</summary>
[GenerateSerializer, Alias("wego.ParticipantRole")]
public enum ParticipantRole { VotingDelegate = 1, Alternate = 2, Advisor = 3, Observer = 4 }

/// <summary>Where an accreditation stands; numbers equal the proto AccreditationStatus values.</summary>
[GenerateSerializer, Alias("wego.AccreditationStatus")]
public enum AccreditationStatus { Submitted = 1, Approved = 2, Rejected = 3, BadgeIssued = 4 }

/// <summary>The secretariat's decision on one accreditation; numbers equal the proto values.</summary>
[GenerateSerializer, Alias("wego.AccreditationDecision")]
public enum AccreditationDecision { Approve = 1, Reject = 2 }

/// <summary>Whether a participant is in the hall, as last scanned at the door; numbers equal the proto values.</summary>
[GenerateSerializer, Alias("wego.PresenceStatus")]
public enum PresenceStatus { NotArrived = 1, CheckedIn = 2, CheckedOut = 3 }

/// <summary>What a delegation asks to register: the person's details and role, before any check.</summary>
[GenerateSerializer, Alias("wego.NewParticipant")]
public sealed record NewParticipant(
    string GivenName,
    string FamilyName,
    string Title,
    string Organisation,
    string Email,
    ParticipantRole Role,
    bool HeadOfDelegation,
    string Language = Participant.DefaultLanguage);

/// <summary>
/// A person in a member city's delegation to one assembly. Id is "{assemblyId}.{memberCityId}.p{n}",
/// so the id alone leads to the delegation.
/// </summary>
[GenerateSerializer, Alias("wego.Participant")]
public sealed record Participant(
    string Id,
    string AssemblyId,
    string MemberCityId,
    string GivenName,
    string FamilyName,
    string Title,
    string Organisation,
    string Email,
    ParticipantRole Role,
    bool HeadOfDelegation,
    AccreditationStatus Status,
    string RejectionReason,
    string BadgeNumber,
    PresenceStatus Presence,
    DateTimeOffset? PresenceChangedAt,
    DateTimeOffset RegisteredAt,
    string Language = Participant.DefaultLanguage)
{
    /// <summary>The language of a participant registered before languages were asked (and when none is given).</summary>
    public const string DefaultLanguage = "en";

    /// <summary>Given and family name as printed on a badge.</summary>
    [JsonIgnore]
    public string DisplayName => FamilyName.Length == 0 ? GivenName : $"{GivenName} {FamilyName}";

    /// <summary>Whether this person counts for the city's vote while in the hall (voting delegate or alternate with a valid badge).</summary>
    public bool IsVoterInHall(ParticipantRole role) =>
        Role == role && Status == AccreditationStatus.BadgeIssued && Presence == PresenceStatus.CheckedIn;
}

/// <summary>The delegation's credentials letter as stored: detected type, size and SHA-256; the bytes live apart.</summary>
[GenerateSerializer, Alias("wego.CredentialsLetter")]
public sealed record CredentialsLetter(string ContentType, string FileName, long SizeBytes, string Sha256, DateTimeOffset SubmittedAt);

/// <summary>One member city's delegation to one assembly, with the proxies that concern it.</summary>
[GenerateSerializer, Alias("wego.Delegation")]
public sealed record Delegation(
    string AssemblyId,
    string MemberCityId,
    IReadOnlyList<Participant> Participants,
    CredentialsLetter? CredentialsLetter,
    Proxy? ProxyGiven,
    IReadOnlyList<Proxy> ProxiesHeld,
    FocalPoint? FocalPoint = null,
    DateTimeOffset? SubmittedForReviewAt = null);

/// <summary>A member city's focal point for one assembly: registers the delegation's people and submits it for review.</summary>
[GenerateSerializer, Alias("wego.FocalPoint")]
public sealed record FocalPoint(string Name, string Email, string Language, DateTimeOffset InvitedAt, string InvitedBy);

/// <summary>One scan at the door: who, in or out, when and by whom.</summary>
[GenerateSerializer, Alias("wego.PresenceEvent")]
public sealed record PresenceEvent(string ParticipantId, bool CheckedIn, DateTimeOffset At, string Actor, string Note = "");

/// <summary>
/// The QR secret for a badge to issue, made by the caller, and that secret sealed with the servers' key: the delegation
/// keeps the sealed form beside the badge (in the same write), so the printable badge can carry the code.
/// </summary>
[GenerateSerializer, Alias("wego.NewBadgeCode"), Immutable]
public sealed record NewBadgeCode(string Secret, byte[] Sealed);

/// <summary>A badge just issued: the participant after issue, and the QR secret, which is shown only here.</summary>
[GenerateSerializer, Alias("wego.IssuedBadge")]
public sealed record IssuedBadge(Participant Participant, string BadgeNumber, string QrSecret, bool ReplacedEarlierBadge);

/// <summary>The result of a door scan: the holder after it, and whether anything changed.</summary>
[GenerateSerializer, Alias("wego.PresenceChange")]
public sealed record PresenceChange(Participant Participant, bool Changed);
