using Orleans;
namespace WeGoAssembly.Contracts.Membership;

/// <summary>Membership category of a member entity; only Full members vote.</summary>
[GenerateSerializer, Alias("wego.MemberCategory")]
public enum MemberCategory { Full = 1, Associate = 2, Friendship = 3, Corporate = 4 }

/// <summary>Standing of a member entity in the register.</summary>
[GenerateSerializer, Alias("wego.MemberStatus")]
public enum MemberStatus { Active = 1, Suspended = 2, Withdrawn = 3 }

/// <summary>A member city's register entry as the secretariat keeps it.</summary>
[GenerateSerializer, Alias("wego.MemberCity")]
public sealed record MemberCity(
    string Id,
    string NameEn,
    string NameLocal,
    string CountryCode,
    MemberCategory Category,
    int DuesPaidThroughYear,
    MemberStatus Status,
    bool Sample,
    DateTimeOffset UpdatedAt);

/// <summary>A recorded dues payment: dues are paid through a year, noted by an actor at a time.</summary>
[GenerateSerializer, Alias("wego.DuesPayment")]
public sealed record DuesPayment(int PaidThroughYear, string Note, string Actor, DateTimeOffset RecordedAt);

/// <summary>Outcome of an upsert: the entry as stored and whether it was new.</summary>
[GenerateSerializer, Alias("wego.UpsertMemberCityResult")]
public sealed record UpsertMemberCityResult(MemberCity MemberCity, bool Created);
