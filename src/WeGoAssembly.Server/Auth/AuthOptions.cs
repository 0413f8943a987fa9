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

    /// <summary>Failed SignIn and RedeemAccessCode calls from one address before it backs off (see <see cref="SignInThrottle"/>).</summary>
    public int MaxFailuresPerAddress { get; init; } = 30;

    /// <summary>Failed SignIn calls for one user name from one address before that pair backs off.</summary>
    public int MaxFailuresPerUserName { get; init; } = 5;

    /// <summary>The first back-off; it doubles with every further failure.</summary>
    public TimeSpan BackoffFirst { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest back-off, and how long failures are remembered.</summary>
    public TimeSpan BackoffLongest { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long what <see cref="AccessCheck"/> learnt of a caller's account or access code is trusted at most: changes
    /// stored through this node apply at once, changes made through another node within this time.
    /// </summary>
    public TimeSpan AccessRecheck { get; init; } = TimeSpan.FromSeconds(30);

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
            MaxFailuresPerAddress = config.GetValue("Auth:SignIn:MaxFailuresPerAddress", defaults.MaxFailuresPerAddress),
            MaxFailuresPerUserName = config.GetValue("Auth:SignIn:MaxFailuresPerUserName", defaults.MaxFailuresPerUserName),
            BackoffFirst = config.GetValue("Auth:SignIn:BackoffFirst", defaults.BackoffFirst),
            BackoffLongest = config.GetValue("Auth:SignIn:BackoffLongest", defaults.BackoffLongest),
            AccessRecheck = config.GetValue("Auth:AccessRecheck", defaults.AccessRecheck),
        };

        var errors = new List<FieldError>();
        StaffAccountRules.UserName("Auth:InitialAdmin:UserName", options.InitialAdminUserName, errors);
        if (options.InitialAdminPassword.Length > 0)
            StaffAccountRules.Password("Auth:InitialAdmin:Password (WEGO__Auth__InitialAdmin__Password)", options.InitialAdminPassword, errors);
        failures.AddRange(errors.Select(e => e.Message));
        if (options.TokenLifetime < TimeSpan.FromMinutes(1) || options.TokenLifetime > TimeSpan.FromDays(30))
            failures.Add($"Auth:TokenLifetime {options.TokenLifetime} must be from 00:01:00 to 30.00:00:00, such as 12:00:00.");
        if (options.MaxFailuresPerAddress < 1)
            failures.Add("Auth:SignIn:MaxFailuresPerAddress must be at least 1.");
        if (options.MaxFailuresPerUserName < 1)
            failures.Add("Auth:SignIn:MaxFailuresPerUserName must be at least 1.");
        if (options.BackoffFirst <= TimeSpan.Zero || options.BackoffLongest < options.BackoffFirst)
            failures.Add("Auth:SignIn:BackoffFirst must be positive and at most Auth:SignIn:BackoffLongest, such as 00:00:02 and 00:05:00.");
        if (options.AccessRecheck < TimeSpan.Zero || options.AccessRecheck > TimeSpan.FromMinutes(5))
            failures.Add("Auth:AccessRecheck must be from 00:00:00 to 00:05:00, such as 00:00:30.");
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
