using Google.Protobuf.WellKnownTypes;
using Domain = WeGoAssembly.Contracts;
using V1 = WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Application;

/// <summary>Static conversions between the accreditation proto messages and domain records; no rules live here.</summary>
public static class AccreditationMapping
{
    // Proto enum numbers equal the domain enum numbers; 0 (unspecified) maps to a value the rules refuse.
    public static V1.Participant ToProto(this Domain.Accreditation.Participant p) => new()
    {
        Id = p.Id,
        AssemblyId = p.AssemblyId,
        MemberCityId = p.MemberCityId,
        GivenName = p.GivenName,
        FamilyName = p.FamilyName,
        Title = p.Title,
        Organisation = p.Organisation,
        Email = p.Email,
        Role = (V1.ParticipantRole)p.Role,
        HeadOfDelegation = p.HeadOfDelegation,
        AccreditationStatus = (V1.AccreditationStatus)p.Status,
        RejectionReason = p.RejectionReason,
        BadgeNumber = p.BadgeNumber,
        Presence = (V1.PresenceStatus)p.Presence,
        PresenceChangedAt = p.PresenceChangedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        RegisteredAt = Timestamp.FromDateTimeOffset(p.RegisteredAt),
        Language = p.Language,
    };

    public static Domain.Accreditation.NewParticipant ToDomain(this V1.RegisterParticipantRequest r) => new(
        r.GivenName, r.FamilyName, r.Title, r.Organisation, r.Email, (Domain.Accreditation.ParticipantRole)r.Role, r.HeadOfDelegation, r.Language);

    public static V1.CredentialsLetter ToProto(this Domain.Accreditation.CredentialsLetter l) => new()
    {
        ContentType = l.ContentType,
        FileName = l.FileName,
        SizeBytes = l.SizeBytes,
        Sha256 = l.Sha256,
        SubmittedAt = Timestamp.FromDateTimeOffset(l.SubmittedAt),
    };

    public static V1.Proxy ToProto(this Domain.Assemblies.Proxy p) => new()
    {
        Id = p.Id,
        AssemblyId = p.AssemblyId,
        GrantorMemberCityId = p.GrantorMemberCityId,
        HolderMemberCityId = p.HolderMemberCityId,
        Reference = p.Reference,
        RecordedAt = Timestamp.FromDateTimeOffset(p.RecordedAt),
        RevokedAt = p.RevokedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
    };

    public static V1.Delegation ToProto(this Domain.Accreditation.Delegation d)
    {
        var message = new V1.Delegation
        {
            AssemblyId = d.AssemblyId,
            MemberCityId = d.MemberCityId,
            CredentialsLetter = d.CredentialsLetter?.ToProto(),
            ProxyGiven = d.ProxyGiven?.ToProto(),
            FocalPoint = d.FocalPoint?.ToProto(),
            SubmittedForReviewAt = d.SubmittedForReviewAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        };
        message.Participants.AddRange(d.Participants.Select(p => p.ToProto()));
        message.ProxiesHeld.AddRange(d.ProxiesHeld.Select(p => p.ToProto()));
        return message;
    }

    public static V1.FocalPoint ToProto(this Domain.Accreditation.FocalPoint f) => new()
    {
        Name = f.Name, Email = f.Email, Language = f.Language, InvitedAt = Timestamp.FromDateTimeOffset(f.InvitedAt),
    };

    public static V1.Quorum ToProto(this Domain.Assemblies.QuorumCount q) => new()
    {
        AssemblyId = q.AssemblyId,
        Present = q.Present,
        RepresentedByProxy = q.RepresentedByProxy,
        Eligible = q.Eligible,
        Required = q.Required,
        Met = q.Met,
        Rule = new V1.QuorumRule { Numerator = (uint)q.Rule.Numerator, Denominator = (uint)q.Rule.Denominator, StrictlyMore = q.Rule.StrictlyMore },
        AsOf = Timestamp.FromDateTimeOffset(q.AsOf),
    };

    public static Domain.Accreditation.AccreditationStatus? ToFilter(this V1.AccreditationStatus status) =>
        status == V1.AccreditationStatus.Unspecified ? null : (Domain.Accreditation.AccreditationStatus)status;
}
