using Orleans;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Contracts.Auth;

/// <summary>One staff account, keyed by its lower-case user name; the password is kept only as a salted hash.</summary>
[Alias("wego.IStaffAccountGrain")]
public interface IStaffAccountGrain : IAuditedGrain
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

    /// <summary>
    /// Replaces the password when <paramref name="currentPassword"/> is the current one (the account holder changing
    /// their own); false, and nothing changed, when it is not. An invalid new password is refused with its field.
    /// </summary>
    Task<bool> ChangePasswordAsync(string currentPassword, string newPassword);
}
