using System.Text.RegularExpressions;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// A systemd EnvironmentFile such as deploy/wegoassembly.env.example: NAME=value lines, # comments. Lines
/// "#NAME=value" are settings left commented out; they are kept apart so that they can be checked too.
/// </summary>
public sealed partial class EnvironmentFile
{
    private EnvironmentFile(IReadOnlyList<(string Name, string Value, bool Commented)> entries) => Entries = entries;

    /// <summary>Every setting in file order, commented out or not.</summary>
    public IReadOnlyList<(string Name, string Value, bool Commented)> Entries { get; }

    public static EnvironmentFile Read(string path)
    {
        var entries = new List<(string, string, bool)>();
        foreach (var line in File.ReadLines(path).Select(l => l.Trim()))
        {
            if (Setting().Match(line) is { Success: true } match)
                entries.Add((match.Groups["name"].Value, match.Groups["value"].Value.Trim(), match.Groups["comment"].Success));
            else if (line.Length > 0 && line[0] is not ('#' or ';'))
                throw new FormatException($"{path}: \"{line}\" is neither NAME=value nor a comment.");
        }
        return new EnvironmentFile(entries);
    }

    /// <summary>
    /// The active settings as the app's configuration sees them: WEGO__Auth__TokenLifetime is Auth:TokenLifetime
    /// (AddEnvironmentVariables with prefix WEGO__), ASPNETCORE_ENVIRONMENT is ENVIRONMENT (the host's prefix).
    /// </summary>
    public Dictionary<string, string?> ToConfiguration() =>
        Entries.Where(e => !e.Commented).ToDictionary(e => ConfigurationKey(e.Name), e => (string?)e.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>The configuration key an environment variable becomes; FormatException for a name without either prefix.</summary>
    public static string ConfigurationKey(string name) =>
        name.StartsWith("WEGO__", StringComparison.Ordinal) ? name["WEGO__".Length..].Replace("__", ":", StringComparison.Ordinal)
        : name.StartsWith("ASPNETCORE_", StringComparison.Ordinal) ? name["ASPNETCORE_".Length..]
        : throw new FormatException($"{name} has neither the app's prefix WEGO__ nor the host's ASPNETCORE_: the app would not read it.");

    [GeneratedRegex(@"^(?<comment>#\s*)?(?<name>[A-Z][A-Za-z0-9_]*)=(?<value>.*)$")]
    private static partial Regex Setting();
}
