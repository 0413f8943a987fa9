using WeGoAssembly.Contracts;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Server.Auth;

/// <summary>
/// Sign-in settings, from the "Auth" section (environment: WEGO__Auth__...). A class, not a record, so
/// that a generated ToString can never print the first administrator's password or the signing key.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>User name of the first administrator, created at the first start when no staff account exists.</summary>
    public string InitialAdminUserName { get; init; } = "admin";

    /// <summary>Its password (WEGO__Auth__InitialAdmin__Password); empty means none is created. There is no default.</summary>
    public string InitialAdminPassword { get; init; } = "";

    /// <summary>How long a bearer token is accepted after sign-in.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(12);

    /// <summary>HMAC key for tokens, when configured; else one is generated once and stored in the database.</summary>
    public byte[]? TokenSigningKey { get; init; }

    /// <summary>SignIn and RedeemAccessCode calls accepted per client address per minute.</summary>
    public int MaxAttemptsPerClientPerMinute { get; init; } = 20;

    /// <summary>Failed SignIn calls per user name within <see cref="FailureWindow"/> before that user name is refused for a while.</summary>
    public int MaxFailuresPerUserName { get; init; } = 5;

    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Reads and checks the settings; a bad value stops start-up with a message an operator can act on.</summary>
    public static AuthOptions From(IConfiguration config)
    {
        var defaults = new AuthOptions();
        var failures = new List<string>();
        var options = new AuthOptions
        {
            InitialAdminUserName = config.GetValue("Auth:InitialAdmin:UserName", defaults.InitialAdminUserName)!,
            InitialAdminPassword = config["Auth:InitialAdmin:Password"] ?? "",
            TokenLifetime = config.GetValue("Auth:TokenLifetime", defaults.TokenLifetime),
            TokenSigningKey = SigningKey(config["Auth:TokenSigningKey"], failures),
            MaxAttemptsPerClientPerMinute = config.GetValue("Auth:SignIn:MaxAttemptsPerClientPerMinute", defaults.MaxAttemptsPerClientPerMinute),
            MaxFailuresPerUserName = config.GetValue("Auth:SignIn:MaxFailuresPerUserName", defaults.MaxFailuresPerUserName),
            FailureWindow = config.GetValue("Auth:SignIn:FailureWindow", defaults.FailureWindow),
        };

        var errors = new List<FieldError>();
        StaffAccountRules.UserName("Auth:InitialAdmin:UserName", options.InitialAdminUserName, errors);
        if (options.InitialAdminPassword.Length > 0)
            StaffAccountRules.Password("Auth:InitialAdmin:Password (WEGO__Auth__InitialAdmin__Password)", options.InitialAdminPassword, errors);
        failures.AddRange(errors.Select(e => e.Message));
        if (options.TokenLifetime < TimeSpan.FromMinutes(1) || options.TokenLifetime > TimeSpan.FromDays(30))
            failures.Add($"Auth:TokenLifetime {options.TokenLifetime} must be from 00:01:00 to 30.00:00:00, such as 12:00:00.");
        if (options.MaxAttemptsPerClientPerMinute < 1)
            failures.Add("Auth:SignIn:MaxAttemptsPerClientPerMinute must be at least 1.");
        if (options.MaxFailuresPerUserName < 1)
            failures.Add("Auth:SignIn:MaxFailuresPerUserName must be at least 1.");
        if (options.FailureWindow <= TimeSpan.Zero)
            failures.Add("Auth:SignIn:FailureWindow must be positive, such as 00:05:00.");
        return failures.Count == 0 ? options : throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", failures));
    }

    private static byte[]? SigningKey(string? configured, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(configured))
            return null;
        try
        {
            var key = Convert.FromBase64String(configured.Trim());
            if (key.Length >= 32)
                return key;
        }
        catch (FormatException) { }
        failures.Add("Auth:TokenSigningKey must be base64 of at least 32 random bytes (for example the output of `openssl rand -base64 32`), or left empty to have one generated and stored.");
        return null;
    }
}
