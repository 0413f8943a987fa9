using Orleans;

namespace WeGoAssembly.Contracts.Auth;

/// <summary>A staff member's account as it is shown: never the password or its hash.</summary>
[GenerateSerializer, Alias("wego.StaffAccount")]
public sealed record StaffAccount(string UserName, string DisplayName, IReadOnlyList<Role> Roles, bool Disabled, DateTimeOffset UpdatedAt);

/// <summary>What a create or update of a staff account asks for; an empty password keeps the current one.</summary>
[GenerateSerializer, Alias("wego.StaffAccountChange")]
public sealed record StaffAccountChange(string UserName, string DisplayName, IReadOnlyList<Role> Roles, bool Disabled, string Password);

/// <summary>The account as stored and whether the upsert created it.</summary>
[GenerateSerializer, Alias("wego.UpsertStaffAccountResult")]
public sealed record UpsertStaffAccountResult(StaffAccount Account, bool Created);
