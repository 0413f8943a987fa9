using System.Text.RegularExpressions;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Auth;

namespace WeGoAssembly.Grains.Rules;

/// <summary>What a valid staff account looks like: user name, display name, password length and staff roles.</summary>
public static partial class StaffAccountRules
{
    public const int MaxUserNameLength = 64, MaxDisplayNameLength = 100, MinPasswordLength = 12, MaxPasswordLength = 200;

    /// <summary>The roles a staff account may hold; Participant belongs to access codes only.</summary>
    public static IReadOnlyList<Role> StaffRoles { get; } = [Role.Secretariat, Role.Logistics];

    /// <summary>User names are not case-sensitive: stored and looked up trimmed and in lower case.</summary>
    public static string NormaliseUserName(string? value) => (value ?? "").Trim().ToLowerInvariant();

    /// <summary>Checks and cleans a change: returns it with a normalised user name, cleaned display name and sorted roles.</summary>
    public static (StaffAccountChange Change, IReadOnlyList<FieldError> Errors) Validate(StaffAccountChange change, bool creating)
    {
        var errors = new List<FieldError>();
        var cleaned = change with
        {
            UserName = UserName("user_name", change.UserName, errors),
            DisplayName = TextRules.Text("display_name", change.DisplayName, MaxDisplayNameLength, required: true, errors),
            Roles = Roles("roles", change.Roles ?? [], errors),
            Password = change.Password ?? "",
        };
        if (creating || cleaned.Password.Length > 0)
            Password("password", cleaned.Password, errors);
        return (cleaned, errors);
    }

    /// <summary>1 to 64 ASCII letters, digits, '.', '-' and '_', compared in lower case (no look-alike letters from other scripts).</summary>
    public static string UserName(string field, string? value, List<FieldError> errors)
    {
        var name = NormaliseUserName(value);
        if (name.Length == 0)
            errors.Add(new(field, $"{field} is required."));
        else if (name.Length > MaxUserNameLength || !UserNamePattern().IsMatch(name))
            errors.Add(new(field, $"{field} \"{TextRules.Shorten(name)}\" must be 1 to {MaxUserNameLength} ASCII letters, digits, '.', '-' and '_'."));
        return name;
    }

    /// <summary>Length is the one rule: long passphrases beat composition rules, and 200 bounds the hashing work.</summary>
    public static void Password(string field, string password, List<FieldError> errors)
    {
        if (password.Length == 0)
            errors.Add(new(field, $"{field} is required when creating an account."));
        else if (password.Length is < MinPasswordLength or > MaxPasswordLength)
            errors.Add(new(field, $"{field} is {password.Length} characters long; it must be {MinPasswordLength} to {MaxPasswordLength}."));
    }

    /// <summary>At least one role, each Secretariat or Logistics; returned distinct and in order.</summary>
    public static IReadOnlyList<Role> Roles(string field, IEnumerable<Role> roles, List<FieldError> errors)
    {
        var distinct = roles.Distinct().Order().ToArray();
        if (distinct.Length == 0)
            errors.Add(new(field, $"{field} needs at least one of Secretariat and Logistics."));
        foreach (var refused in distinct.Where(r => !StaffRoles.Contains(r)))
            errors.Add(new(field, $"{field} may hold only Secretariat and Logistics; {Describe(refused)} is refused for a staff account."));
        return distinct;
    }

    private static string Describe(Role role) =>
        Enum.IsDefined(role) ? role.ToString() : role == 0 ? "an unset role (0)" : $"role number {(int)role}";

    [GeneratedRegex("^[a-z0-9._-]+$")]
    private static partial Regex UserNamePattern();
}
