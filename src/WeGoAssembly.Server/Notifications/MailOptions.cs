using MailKit.Security;
using MimeKit;

namespace WeGoAssembly.Server.Notifications;

/// <summary>
/// Settings of the outgoing mail (section Mail of appsettings.json, or WEGO__Mail__*). With no Host nothing is sent:
/// every message is held in the delivery log for the secretariat to pass on by hand.
/// </summary>
public sealed record MailOptions
{
    /// <summary>The SMTP server; empty: no mail is sent.</summary>
    public string Host { get; init; } = "";

    public int Port { get; init; } = 587;

    /// <summary>StartTls (the default, for port 587), SslOnConnect (port 465), Auto (TLS when the server offers it) or None (loopback relays only).</summary>
    public SecureSocketOptions Security { get; init; } = SecureSocketOptions.StartTls;

    /// <summary>Account to sign in to the server with; empty: no sign-in.</summary>
    public string UserName { get; init; } = "";

    public string Password { get; init; } = "";

    /// <summary>The sender, such as "WeGO General Assembly &lt;ga@wego-cities.org&gt;".</summary>
    public string Sender { get; init; } = "";

    /// <summary>The public address of the web UI, for the links in messages (the sign-in page, the badge).</summary>
    public string SiteUrl { get; init; } = "http://127.0.0.1:5080";

    /// <summary>How long one delivery may take (connect, sign in, send) before it counts as failed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public bool Enabled => Host.Length > 0;

    /// <summary>Reads and checks the settings; a bad value stops start-up with a message an operator can act on.</summary>
    public static MailOptions From(IConfiguration config)
    {
        var defaults = new MailOptions();
        var section = config.GetSection("Mail");
        var failures = new List<string>();
        var security = section[nameof(Security)];
        var parsedSecurity = defaults.Security;
        if (!string.IsNullOrEmpty(security) && !(Enum.TryParse(security, ignoreCase: true, out parsedSecurity) && Enum.IsDefined(parsedSecurity)))
            failures.Add($"Mail:Security \"{security}\" must be StartTls, SslOnConnect, Auto or None.");
        var options = new MailOptions
        {
            Host = (section[nameof(Host)] ?? "").Trim(),
            Port = section.GetValue(nameof(Port), defaults.Port),
            Security = parsedSecurity,
            UserName = section[nameof(UserName)] ?? "",
            Password = section[nameof(Password)] ?? "",
            Sender = (section[nameof(Sender)] ?? "").Trim(),
            SiteUrl = (section[nameof(SiteUrl)] ?? defaults.SiteUrl).Trim().TrimEnd('/'),
            Timeout = section.GetValue(nameof(Timeout), defaults.Timeout),
        };
        if (options.Port is < 1 or > 65535)
            failures.Add($"Mail:Port {options.Port} must be from 1 to 65535.");
        if (options.Enabled && !MailboxAddress.TryParse(options.Sender, out _))
            failures.Add($"Mail:Sender \"{options.Sender}\" must be a sender address such as \"WeGO General Assembly <ga@wego-cities.org>\" when Mail:Host is set.");
        if (!Uri.TryCreate(options.SiteUrl, UriKind.Absolute, out var site) || site.Scheme is not ("http" or "https"))
            failures.Add($"Mail:SiteUrl \"{options.SiteUrl}\" must be the web UI's public address, such as https://ga.wego-cities.org.");
        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(10))
            failures.Add($"Mail:Timeout {options.Timeout} must be from a second to ten minutes, such as 00:00:30.");
        return failures.Count == 0 ? options : throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", failures));
    }
}
