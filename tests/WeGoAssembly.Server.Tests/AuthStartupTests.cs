using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WeGoAssembly.Grains.Auth;
using Grpc.Core;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>How the first administrator and the token signing key come from configuration at start-up.</summary>
public sealed class AuthStartupTests : IDisposable
{
    private readonly TempSqliteFile file = new();

    public void Dispose() => file.Dispose();

    [Fact]
    public async Task Without_a_configured_password_the_server_starts_with_no_administrator_and_warns_how_to_set_one()
    {
        var logs = new CapturedLogs();
        await using var server = await WeGoServer.StartAsync(
            new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path, ["Auth:InitialAdmin:Password"] = "" },
            services => services.AddSingleton<ILoggerProvider>(logs));

        Assert.False(await server.Services.GetRequiredService<StaffDirectory>().AnyAsync(CancellationToken.None));
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() =>
            server.StaffAsync(WeGoServer.AdminUserName, WeGoServer.AdminPassword))).StatusCode);
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("administrator"));
        Assert.Contains("WEGO__Auth__InitialAdmin__Password", warning.Message);
        Assert.Contains("\"admin\"", warning.Message);
    }

    [Theory]
    [InlineData("Auth:InitialAdmin:Password", "short-pass", "WEGO__Auth__InitialAdmin__Password")]
    [InlineData("Auth:InitialAdmin:UserName", "the admin", "Auth:InitialAdmin:UserName")]
    [InlineData("Auth:TokenSigningKey", "c2hvcnQ=", "Auth:TokenSigningKey")]
    [InlineData("Auth:TokenLifetime", "00:00:10", "Auth:TokenLifetime")]
    public async Task A_bad_auth_setting_stops_start_up_with_a_message_naming_it(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            WeGoServer.StartAsync(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path, [key] = value }));

        Assert.StartsWith("Invalid configuration:", error.Message);
        Assert.Contains(named, error.Message);
        if (key.EndsWith("Password", StringComparison.Ordinal))
            Assert.DoesNotContain(value, error.Message);   // a password is never echoed
    }

    [Fact]
    public async Task Nodes_configured_with_the_same_signing_key_accept_each_others_tokens()
    {
        using var otherFile = new TempSqliteFile();
        using var unrelatedFile = new TempSqliteFile();
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var first = await WeGoServer.StartAsync(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path, ["Auth:TokenSigningKey"] = key });
        await using var second = await WeGoServer.StartAsync(new Dictionary<string, string?> { ["Storage:SqlitePath"] = otherFile.Path, ["Auth:TokenSigningKey"] = key });
        await using var unrelated = await WeGoServer.StartAsync(new Dictionary<string, string?> { ["Storage:SqlitePath"] = unrelatedFile.Path });

        var session = (await first.SecretariatAsync()).Session;

        Assert.Equal("seoul", (await new SampleApi(second.Anonymous.Raw, session).GetMemberCity("seoul")).Id);
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() =>
            new SampleApi(unrelated.Anonymous.Raw, session).GetMemberCity("seoul"))).StatusCode);
    }

    /// <summary>Keeps every log entry of the host, to assert on what an operator would read.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Entries);

        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<(LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
