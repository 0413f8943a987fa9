using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using WeGoAssembly.Server.Auth;
using WeGoAssembly.Server.Hosting;
using WeGoAssembly.Server.Jobs;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>deploy/wegoassembly.env.example names only settings the app reads, with values it accepts.</summary>
public sealed class EnvironmentExampleTests
{
    private static readonly EnvironmentFile Example = EnvironmentFile.Read(RepositoryFiles.PathOf("deploy", "wegoassembly.env.example"));

    /// <summary>The host's own ASPNETCORE_ settings the example uses; ASP.NET Core reads them, not the app's option classes.</summary>
    private static readonly string[] HostKeys = ["ENVIRONMENT"];

    [Fact]
    public void Every_setting_in_the_example_even_commented_out_is_one_the_app_reads()
    {
        var known = KeysTheAppReads();

        var unknown = Example.Entries.Where(e => !known.Contains(EnvironmentFile.ConfigurationKey(e.Name))).Select(e => e.Name).ToList();

        Assert.True(unknown.Count == 0, $"The example names settings the app never reads: {string.Join(", ", unknown)}.");
        Assert.Contains("Auth:InitialAdmin:Password", known);
    }

    [Fact]
    public void The_example_passes_the_apps_checks_with_postgres_loopback_ports_and_no_sample_data()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(RepositoryFiles.PathOf("src", "WeGoAssembly.Server", "appsettings.json"))
            .AddInMemoryCollection(Example.ToConfiguration())
            .Build();

        var options = WeGoOptions.From(configuration);
        var auth = AuthOptions.From(configuration);
        JobOptions.From(configuration);
        var mail = Notifications.MailOptions.From(configuration);
        Assert.StartsWith("https://", mail.SiteUrl);
        Assert.Equal(90, Documents.DocumentOptions.From(configuration).PassportRetentionDays);

        Assert.StartsWith("Host=", options.PostgresConnectionString);
        Assert.False(options.SeedSampleData);
        Assert.NotEmpty(auth.InitialAdminPassword);
        Assert.Equal(TimeSpan.FromHours(12), auth.TokenLifetime);
        foreach (var endpoint in new[] { "Grpc", "Web" })
            Assert.StartsWith("http://127.0.0.1:", configuration[$"Kestrel:Endpoints:{endpoint}:Url"]);
        Assert.Equal([System.Net.IPAddress.Loopback, System.Net.IPAddress.IPv6Loopback], options.KnownProxies);
        Assert.Equal(11111, ClusterNodeOptions.From(configuration, postgres: true).SiloPort);
    }

    [Fact]
    public void A_misspelt_setting_is_caught()
    {
        Assert.DoesNotContain(EnvironmentFile.ConfigurationKey("WEGO__Auth__TokenLifetme"), KeysTheAppReads());
        Assert.Throws<FormatException>(() => EnvironmentFile.ConfigurationKey("WEGO_Auth__TokenLifetime"));
    }

    /// <summary>
    /// Every key the option classes ask the configuration for (recorded while they read it), every key of
    /// appsettings.json (Kestrel, Logging, ...: read by ASP.NET Core) and the host's own keys.
    /// </summary>
    private static HashSet<string> KeysTheAppReads()
    {
        var appSettings = new ConfigurationBuilder().AddJsonFile(RepositoryFiles.PathOf("src", "WeGoAssembly.Server", "appsettings.json")).Build();
        var recording = new RecordingConfiguration(appSettings);
        WeGoOptions.From(recording);
        AuthOptions.From(recording);
        JobOptions.From(recording);
        Notifications.MailOptions.From(recording);
        Documents.DocumentOptions.From(recording);
        ClusterNodeOptions.From(recording, postgres: true);
        return new HashSet<string>(
            recording.Read.Concat(appSettings.AsEnumerable().Where(p => p.Value is not null).Select(p => p.Key)).Concat(HostKeys),
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A configuration that notes every key read from it, also through its sections.</summary>
    private sealed class RecordingConfiguration(IConfigurationRoot inner) : IConfigurationRoot
    {
        public HashSet<string> Read { get; } = new(StringComparer.OrdinalIgnoreCase);

        public string? this[string key]
        {
            get
            {
                Read.Add(key);
                return inner[key];
            }
            set => inner[key] = value;
        }

        public IEnumerable<IConfigurationProvider> Providers => inner.Providers;

        public IConfigurationSection GetSection(string key) => new ConfigurationSection(this, key);

        public IEnumerable<IConfigurationSection> GetChildren() => inner.GetChildren();

        public IChangeToken GetReloadToken() => inner.GetReloadToken();

        public void Reload() => inner.Reload();
    }
}
