using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Auth;

/// <summary>The persisted staff account and its password hash (ASP.NET Core Identity v3 format: PBKDF2, salted).</summary>
public sealed class StaffAccountState
{
    public StaffAccount? Account { get; set; }
    public string PasswordHash { get; set; } = "";
}

/// <summary>One staff account: validates changes, hashes passwords, checks a password at sign-in.</summary>
[GrainType(TypeName)]
public sealed class StaffAccountGrain(
    [PersistentState(StaffAccountGrain.StateName)] IPersistentState<Audited<StaffAccountState>> stored,
    IPasswordHasher<StaffAccount> hasher,
    TimeProvider clock,
    AccessChanges changes, ChangeRecording recording)
    : AuditedGrain<StaffAccountState>(stored, recording, project: TypeName), IStaffAccountGrain
{
    public const string TypeName = "staff-account", StateName = "account";

    // Verified against when the account does not exist, so that an unknown user name costs the same
    // hashing time as a wrong password and timing does not tell which user names exist.
    private static readonly Lazy<string> DecoyHash = new(() =>
        new PasswordHasher<StaffAccount>().HashPassword(null!, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    /// <summary>The audit log's name for this account.</summary>
    private string Subject => $"staff-account/{this.GetPrimaryKeyString()}";

    public Task<StaffAccount?> GetAsync() => Task.FromResult(state.State.Account);

    public async Task<UpsertStaffAccountResult> UpsertAsync(StaffAccountChange change, string actor)
    {
        var created = state.State.Account is null;
        var account = await WriteAsync(change, actor, created);
        changes.Notify($"staff:{account.UserName}");
        return new(account, created);
    }

    public async Task<StaffAccount> CreateAsync(StaffAccountChange change, string actor)
    {
        if (state.State.Account is not null)
            throw new DomainException(DomainErrorKind.AlreadyExists, $"The staff account \"{this.GetPrimaryKeyString()}\" exists already.");
        return await WriteAsync(change, actor, creating: true);
    }

    public async Task<StaffAccount?> VerifyPasswordAsync(string password)
    {
        if (state.State.Account is not { } account)
        {
            hasher.VerifyHashedPassword(null!, DecoyHash.Value, password ?? "");
            return null;
        }
        var result = hasher.VerifyHashedPassword(account, state.State.PasswordHash, password ?? "");
        if (result == PasswordVerificationResult.Failed)
            return null;
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            // The hash was made with older settings (fewer iterations); store a current one while the password is at hand.
            await state.WriteStateAsync(new StaffAccountState { Account = account, PasswordHash = hasher.HashPassword(account, password!) });
        }
        return account;
    }

    public async Task<bool> ChangePasswordAsync(string currentPassword, string newPassword)
    {
        if (await VerifyPasswordAsync(currentPassword) is not { } account)
            return false;
        var errors = new List<FieldError>();
        StaffAccountRules.Password("new_password", newPassword ?? "", errors);
        DomainErrors.ThrowIfAny(errors);
        await state.WriteStateAsync(new StaffAccountState { Account = account, PasswordHash = hasher.HashPassword(account, newPassword!) },
            new AuditRecord($"staff:{account.UserName}", "staff-account.password-changed", Subject, AuditDetails.Of(new { PasswordChanged = true })));
        return true;
    }

    private static string RoleList(StaffAccount account) => string.Join(",", account.Roles);

    private async Task<StaffAccount> WriteAsync(StaffAccountChange change, string actor, bool creating)
    {
        var (cleaned, errors) = StaffAccountRules.Validate(change, creating);
        DomainErrors.ThrowIfAny(errors);
        if (cleaned.UserName != this.GetPrimaryKeyString())
            throw DomainException.Invalid("user_name", $"The user name \"{cleaned.UserName}\" does not match the account \"{this.GetPrimaryKeyString()}\" it is stored under.");

        var account = new StaffAccount(cleaned.UserName, cleaned.DisplayName, cleaned.Roles, cleaned.Disabled, clock.GetUtcNow());
        var passwordChanged = cleaned.Password.Length > 0;
        var hash = passwordChanged ? hasher.HashPassword(account, cleaned.Password) : state.State.PasswordHash;
        // The audit entry says that the password changed, never what it is or its hash.
        var previous = state.State.Account;
        var audit = previous is null
            ? new AuditRecord(actor, "staff-account.created", Subject, AuditDetails.Of(new { account.DisplayName, Roles = RoleList(account), account.Disabled }))
            : new AuditRecord(actor, "staff-account.updated", Subject, AuditDetails.Of(new
            {
                DisplayName = AuditDetails.Diff(previous.DisplayName, account.DisplayName),
                Roles = AuditDetails.Diff(RoleList(previous), RoleList(account)),
                Disabled = AuditDetails.Diff(previous.Disabled, account.Disabled),
                PasswordChanged = passwordChanged ? true : (bool?)null,
            }));
        await state.WriteStateAsync(new StaffAccountState { Account = account, PasswordHash = hash }, audit);
        return account;
    }
}
