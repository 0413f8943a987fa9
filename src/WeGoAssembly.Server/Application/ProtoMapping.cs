using Google.Protobuf.WellKnownTypes;
using WeGoAssembly.Contracts;
using Domain = WeGoAssembly.Contracts;
using V1 = WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Application;

/// <summary>Static conversions between proto messages and domain records; no rules live here.</summary>
public static class ProtoMapping
{
    // Proto enum numbers equal the domain enum numbers; 0 (unspecified) maps to a value the rules refuse.
    public static V1.MemberCity ToProto(this Domain.Membership.MemberCity m) => new()
    {
        Id = m.Id,
        NameEn = m.NameEn,
        NameLocal = m.NameLocal,
        CountryCode = m.CountryCode,
        Category = (V1.MemberCategory)m.Category,
        DuesPaidThroughYear = m.DuesPaidThroughYear,
        Status = (V1.MemberStatus)m.Status,
        Sample = m.Sample,
        UpdatedAt = Timestamp.FromDateTimeOffset(m.UpdatedAt),
    };

    public static Domain.Membership.MemberCity ToDomain(this V1.MemberCity m) => new(
        m.Id, m.NameEn, m.NameLocal, m.CountryCode,
        (Domain.Membership.MemberCategory)m.Category,
        m.DuesPaidThroughYear,
        m.Status == V1.MemberStatus.Unspecified ? Domain.Membership.MemberStatus.Active : (Domain.Membership.MemberStatus)m.Status,
        m.Sample,
        UpdatedAt: default);

    public static Domain.Membership.MemberCategory? ToFilter(this V1.MemberCategory category) =>
        category == V1.MemberCategory.Unspecified ? null : (Domain.Membership.MemberCategory)category;

    public static Domain.Membership.MemberStatus? ToFilter(this V1.MemberStatus status) =>
        status == V1.MemberStatus.Unspecified ? null : (Domain.Membership.MemberStatus)status;

    public static V1.Assembly ToProto(this Domain.Assemblies.Assembly a) => new()
    {
        Id = a.Id,
        Title = a.Title,
        Venue = a.Venue,
        Year = a.Year,
        TimeZone = a.TimeZone,
        StartsOn = a.StartsOn?.ToString("yyyy-MM-dd") ?? "",
        EndsOn = a.EndsOn?.ToString("yyyy-MM-dd") ?? "",
        Rules = a.Rules.ToProto(),
        Sample = a.Sample,
        CreatedAt = Timestamp.FromDateTimeOffset(a.CreatedAt),
    };

    public static Domain.Assemblies.Assembly ToDomain(this V1.Assembly a) => new(
        a.Id, a.Title, a.Venue, a.Year, a.TimeZone,
        ParseDate("assembly.starts_on", a.StartsOn), ParseDate("assembly.ends_on", a.EndsOn),
        a.Rules.ToDomain(), a.Sample, CreatedAt: default);

    /// <summary>Null when the request leaves the details as they are.</summary>
    public static Domain.Assemblies.AssemblyDetails? ToDomain(this V1.AssemblyDetails? d) => d is null ? null : new(
        d.Title, d.Venue, ParseDate("details.starts_on", d.StartsOn), ParseDate("details.ends_on", d.EndsOn));

    public static V1.AssemblyRules ToProto(this Domain.Assemblies.AssemblyRules r) => new()
    {
        Quorum = new V1.QuorumRule { Numerator = (uint)r.Quorum.Numerator, Denominator = (uint)r.Quorum.Denominator, StrictlyMore = r.Quorum.StrictlyMore },
        ProxiesAllowed = r.ProxiesAllowed,
        MaxProxiesPerHolder = (uint)r.MaxProxiesPerHolder,
        ProxiesCountForQuorum = r.ProxiesCountForQuorum,
    };

    /// <summary>Unset rules mean the defaults; an unset quorum means more than half.</summary>
    public static Domain.Assemblies.AssemblyRules ToDomain(this V1.AssemblyRules? r) => r is null
        ? Domain.Assemblies.AssemblyRules.Default
        : new(r.Quorum is null
                ? Domain.Assemblies.QuorumRule.MoreThanHalf
                : new(Small("rules.quorum.numerator", r.Quorum.Numerator), Small("rules.quorum.denominator", r.Quorum.Denominator), r.Quorum.StrictlyMore),
            r.ProxiesAllowed, Small("rules.max_proxies_per_holder", r.MaxProxiesPerHolder), r.ProxiesCountForQuorum);

    private static int Small(string field, uint value) =>
        value <= 10_000 ? (int)value : throw DomainException.Invalid(field, $"{field} {value} is too large (at most 10000).");

    private static DateOnly? ParseDate(string field, string value) =>
        value.Length == 0 ? null
        : DateOnly.TryParseExact(value, "yyyy-MM-dd", out var date) ? date
        : throw DomainException.Invalid(field, $"{field} \"{value}\" is not a date in the form YYYY-MM-DD.");
}
