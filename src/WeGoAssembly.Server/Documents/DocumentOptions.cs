namespace WeGoAssembly.Server.Documents;

/// <summary>Settings of the personal data and documents (section "Documents").</summary>
public sealed record DocumentOptions
{
    /// <summary>Days after an assembly's last day that its participants' passport data is kept; then the nightly job deletes it.</summary>
    public int PassportRetentionDays { get; init; } = 90;

    /// <summary>Reads and checks the settings; a bad value stops start-up with a message an operator can act on.</summary>
    public static DocumentOptions From(IConfiguration config)
    {
        var value = config["Documents:PassportRetentionDays"];
        if (string.IsNullOrWhiteSpace(value))
            return new DocumentOptions();
        if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days) || days > 3650)
            throw new InvalidOperationException($"Documents:PassportRetentionDays is \"{value}\"; give a whole number of days from 0 to 3650.");
        return new DocumentOptions { PassportRetentionDays = days };
    }
}
