using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Auth;
using WeGoAssembly.Grains.Rules;
using Orleans;
using Orleans.Storage;

namespace WeGoAssembly.Server.Auth;

/// <summary>
/// Start-up steps of sign-in: loads (or creates and stores) the token signing key, and creates the first
/// administrator from configuration when no staff account exists yet.
/// </summary>
public sealed partial class AuthStartup(AuthOptions options, BearerTokens tokens, IGrainFactory grains, StaffDirectory staff, ILogger<AuthStartup> logger)
{
    public const string InitialAdminActor = "system";

    public async Task RunAsync(CancellationToken ct)
    {
        tokens.UseKey(options.TokenSigningKey ?? await StoredKeyAsync());
        await CreateFirstAdministratorAsync(ct);
    }

    private async Task<byte[]> StoredKeyAsync()
    {
        var key = grains.GetGrain<ITokenSigningKeyGrain>(TokenSigningKeyGrain.DefaultKey);
        try
        {
            return await key.GetOrCreateAsync();
        }
        catch (InconsistentStateException)
        {
            // Another node stored its key first; the reloaded activation returns that one.
            return await key.GetOrCreateAsync();
        }
    }

    private async Task CreateFirstAdministratorAsync(CancellationToken ct)
    {
        var userName = StaffAccountRules.NormaliseUserName(options.InitialAdminUserName);
        if (await staff.AnyAsync(ct))
        {
            if (options.InitialAdminPassword.Length > 0)
                InitialPasswordIgnored(logger);
            return;
        }
        if (options.InitialAdminPassword.Length == 0)
        {
            NoAdministrator(logger, userName);
            return;
        }

        try
        {
            await grains.GetGrain<IStaffAccountGrain>(userName).CreateAsync(
                new(userName, "Administrator", [Role.Secretariat], Disabled: false, options.InitialAdminPassword), InitialAdminActor);
            AdministratorCreated(logger, userName);
        }
        catch (Exception e) when (e is DomainException { Kind: DomainErrorKind.AlreadyExists } or InconsistentStateException)
        {
            // Another node created it at the same moment: one administrator, as intended.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "No staff account exists and no first administrator password is configured, so nobody can sign in as staff. " +
        "Set the environment variable WEGO__Auth__InitialAdmin__Password (12 to 200 characters) and restart: the account \"{UserName}\" " +
        "(Auth:InitialAdmin:UserName) is then created with the Secretariat role.")]
    private static partial void NoAdministrator(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Information, Message =
        "Created the first administrator \"{UserName}\" (Secretariat) from Auth:InitialAdmin. Sign in and change its password; then remove WEGO__Auth__InitialAdmin__Password from the environment.")]
    private static partial void AdministratorCreated(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Information, Message =
        "Auth:InitialAdmin:Password is set but staff accounts exist already, so it is ignored; remove WEGO__Auth__InitialAdmin__Password from the environment.")]
    private static partial void InitialPasswordIgnored(ILogger logger);
}
