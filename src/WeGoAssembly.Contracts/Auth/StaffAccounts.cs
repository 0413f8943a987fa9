using WeGoAssembly.Runtime;

namespace WeGoAssembly.Contracts.Auth;

/// <summary>A staff member's account as it is shown: never the password or its hash.</summary>
public sealed record StaffAccount(string UserName, string DisplayName, IReadOnlyList<Role> Roles, bool Disabled, DateTimeOffset UpdatedAt);

/// <summary>What a create or update of a staff account asks for; an empty password keeps the current one.</summary>
public sealed record StaffAccountChange(string UserName, string DisplayName, IReadOnlyList<Role> Roles, bool Disabled, string Password);

/// <summary>The account as stored and whether the upsert created it.</summary>
public sealed record UpsertStaffAccountResult(StaffAccount Account, bool Created);

/// <summary>One staff account, keyed by its lower-case user name; the password is kept only as a salted hash.</summary>
public interface IStaffAccountGrain : IGrainWithStringKey
{
    /// <summary>The account, or null when none exists under this user name.</summary>
    Task<StaffAccount?> GetAsync();

    /// <summary>Creates the account or replaces its display name, roles, disabled flag and (when given) password.</summary>
    Task<UpsertStaffAccountResult> UpsertAsync(StaffAccountChange change, string actor);

    /// <summary>Creates the account; ALREADY_EXISTS when it exists (so a first administrator is never overwritten).</summary>
    Task<StaffAccount> CreateAsync(StaffAccountChange change, string actor);

    /// <summary>
    /// The account when <paramref name="password"/> is its password (disabled or not: the caller refuses
    /// disabled accounts), else null. Takes about as long for an unknown user name as for a wrong password.
    /// </summary>
    Task<StaffAccount?> VerifyPasswordAsync(string password);
}

/// <summary>The server's key for signing bearer tokens, generated once and stored so every node and restart shares it.</summary>
public interface ITokenSigningKeyGrain : IGrainWithStringKey
{
    /// <summary>The stored key; a new random 32-byte key is generated and stored on first use.</summary>
    Task<byte[]> GetOrCreateAsync();
}
