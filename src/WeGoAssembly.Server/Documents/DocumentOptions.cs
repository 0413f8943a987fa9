namespace WeGoAssembly.Server.Documents;

/// <summary>Settings of the personal data and documents (section "Documents").</summary>
public sealed record DocumentOptions
{
    /// <summary>Days after an assembly's last day that its participants' passport data is kept; then the nightly job deletes it.</summary>
    public int PassportRetentionDays { get; init; } = 90;

    /// <summary>Reads and checks the settings; a bad value stops start-up with a message an operator can act on.</summary>
    public static DocumentOptions From(IConfiguration config)
    {
        var options = config.GetSection("Documents").Get<DocumentOptions>() ?? new DocumentOptions();
        if (options.PassportRetentionDays is < 0 or > 3650)
            throw new InvalidOperationException($"Documents:PassportRetentionDays is {options.PassportRetentionDays}; give a number of days from 0 to 3650.");
        return options;
    }
}
