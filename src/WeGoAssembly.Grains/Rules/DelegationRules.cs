using WeGoAssembly.Contracts.Assemblies;
using System.Text.RegularExpressions;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;

namespace WeGoAssembly.Grains.Rules;

/// <summary>
/// What a valid participant looks like and who a delegation may hold: at most one voting delegate, one
/// alternate and one head of delegation among the people not rejected; any number of advisors and observers.
/// </summary>
public static partial class DelegationRules
{
    /// <summary>The languages of the e-mails a participant can receive.</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "ko"];

    public const int MaxNameLength = 100, MaxTitleLength = 100, MaxOrganisationLength = 200, MaxEmailLength = 254, MaxReasonLength = 500;

    /// <summary>Which of a delegation's voting people are in the hall (each with a valid badge, checked in).</summary>
    public static VoterPresence PresenceOf(IEnumerable<Participant> participants)
    {
        var all = participants as IReadOnlyCollection<Participant> ?? participants.ToArray();
        return new(all.Any(p => p.IsVoterInHall(ParticipantRole.VotingDelegate)), all.Any(p => p.IsVoterInHall(ParticipantRole.Alternate)));
    }

    /// <summary>Checks and cleans a registration: names in any script (NFC, trimmed), e-mail, role.</summary>
    public static (NewParticipant Person, IReadOnlyList<FieldError> Errors) Validate(NewParticipant person)
    {
        var errors = new List<FieldError>();
        var cleaned = person with
        {
            GivenName = TextRules.Text("given_name", person.GivenName, MaxNameLength, required: true, errors),
            FamilyName = TextRules.Text("family_name", person.FamilyName, MaxNameLength, required: false, errors),
            Title = TextRules.Text("title", person.Title, MaxTitleLength, required: false, errors),
            Organisation = TextRules.Text("organisation", person.Organisation, MaxOrganisationLength, required: false, errors),
            Email = TextRules.Text("email", person.Email, MaxEmailLength, required: true, errors),
        };
        if (cleaned.Email.Length is > 0 and <= MaxEmailLength && !IsEmail(cleaned.Email))
            errors.Add(new("email", $"email \"{TextRules.Shorten(cleaned.Email)}\" is not an e-mail address such as name@seoul.go.kr."));
        var language = (person.Language ?? "").Trim().ToLowerInvariant();
        cleaned = cleaned with { Language = language.Length == 0 ? Participant.DefaultLanguage : language };
        if (!Languages.Contains(cleaned.Language))
            errors.Add(new("language", $"language \"{TextRules.Shorten(person.Language!)}\" is not offered; use \"en\" (English) or \"ko\" (Korean)."));
        if (!Enum.IsDefined(person.Role))
            errors.Add(new("role", "role is required: voting delegate, alternate, advisor or observer."));
        return (cleaned, errors);
    }

    /// <summary>Checks and cleans a focal point's name, e-mail and language.</summary>
    public static (FocalPoint FocalPoint, IReadOnlyList<FieldError> Errors) Validate(FocalPoint focalPoint)
    {
        var (person, errors) = Validate(new NewParticipant(focalPoint.Name, "", "", "", focalPoint.Email, ParticipantRole.Observer, false, focalPoint.Language));
        return (focalPoint with { Name = person.GivenName, Email = person.Email, Language = person.Language },
            errors.Select(e => e with { Field = "focal_point." + (e.Field == "given_name" ? "name" : e.Field), Message = e.Message.Replace("given_name", "name") }).ToArray());
    }

    /// <summary>A simple check that catches typing mistakes: one @, a local part, a dotted domain, no spaces.</summary>
    public static bool IsEmail(string email) => EmailPattern().IsMatch(email);

    /// <summary>
    /// Whether a person with <paramref name="role"/> (and the head flag) fits beside the others not rejected;
    /// <paramref name="exceptId"/> is the person themselves when an existing participant is re-approved.
    /// </summary>
    public static DomainException? CheckPlace(IEnumerable<Participant> participants, ParticipantRole role, bool headOfDelegation, string? exceptId = null)
    {
        var others = participants.Where(p => p.Status != AccreditationStatus.Rejected && p.Id != exceptId).ToArray();
        if (role is ParticipantRole.VotingDelegate or ParticipantRole.Alternate && others.FirstOrDefault(p => p.Role == role) is { } taken)
            return new(DomainErrorKind.StateConflict,
                $"The delegation already has {(role == ParticipantRole.VotingDelegate ? "a voting delegate" : "an alternate")}: {taken.DisplayName} ({taken.Id}). " +
                "A delegation has at most one; register this person as an advisor or observer, or have the secretariat reject the other first.",
                "role");
        if (headOfDelegation && others.FirstOrDefault(p => p.HeadOfDelegation) is { } head)
            return new(DomainErrorKind.StateConflict,
                $"The delegation already has a head of delegation: {head.DisplayName} ({head.Id}); a delegation has one.",
                "head_of_delegation");
        return null;
    }

    /// <summary>Checks a reviewer's reason: required to reject, at most 500 characters.</summary>
    public static string Reason(AccreditationDecision decision, string? reason)
    {
        var errors = new List<FieldError>();
        var cleaned = TextRules.Text("reason", reason, MaxReasonLength, required: decision == AccreditationDecision.Reject, errors);
        if (!Enum.IsDefined(decision))
            errors.Insert(0, new("decision", "decision is required: approve or reject."));
        DomainErrors.ThrowIfAny(errors);
        return cleaned;
    }

    [GeneratedRegex(@"^[^@\s\p{Cc}]+@[^@\s\p{Cc}.]+(\.[^@\s\p{Cc}.]+)+$")]
    private static partial Regex EmailPattern();
}

/// <summary>Participant ids: "{assemblyId}.{memberCityId}.p{n}", so that an id alone leads to its delegation.</summary>
public static class ParticipantIds
{
    public static string Format(string assemblyId, string memberCityId, int number) => $"{assemblyId}.{memberCityId}.p{number}";

    /// <summary>The assembly and member city of a participant id; INVALID_ARGUMENT when it is not one.</summary>
    public static (string AssemblyId, string MemberCityId) Parse(string field, string? id)
    {
        var parts = (id ?? "").Trim().Split('.');
        var errors = new List<FieldError>();
        if (parts.Length == 3 && parts[2].Length > 1 && parts[2][0] == 'p' && int.TryParse(parts[2].AsSpan(1), out var n) && n > 0
            && TextRules.Slug(field, parts[0], errors) is var assembly && TextRules.Slug(field, parts[1], errors) is var city && errors.Count == 0)
            return (assembly, city);
        throw DomainException.Invalid(field, $"{field} \"{TextRules.Shorten(id ?? "")}\" is not a participant id such as \"ga-2023.seoul.p3\".");
    }

    /// <summary>
    /// What a focal point's sign-in names in place of a participant id: "{assemblyId}.{memberCityId}.focal-point". It is
    /// never a participant id, so no check of "the participant themselves" lets a focal point pass.
    /// </summary>
    public static string FocalPoint(string assemblyId, string memberCityId) => $"{assemblyId}.{memberCityId}.{FocalPointSuffix}";

    public const string FocalPointSuffix = "focal-point";

    public static bool IsFocalPoint(string id) => id.EndsWith("." + FocalPointSuffix, StringComparison.Ordinal);

    /// <summary>The key of the delegation grain: "{assemblyId}/{memberCityId}".</summary>
    public static string DelegationKey(string assemblyId, string memberCityId) => $"{assemblyId}/{memberCityId}";
}
