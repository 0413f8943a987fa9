using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Contracts.Auth;
using Grpc.Core;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>Tokens stop working at their expiry, measured on a manual clock; the lifetime comes from Auth:TokenLifetime.</summary>
public sealed class TokenExpiryTests : IAsyncLifetime
{
    private readonly TempSqliteFile file = new();
    private readonly ManualClock clock = new();
    private WeGoServer server = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task StartAsync(string? tokenLifetime = null)
    {
        var settings = new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path };
        if (tokenLifetime is not null)
            settings["Auth:TokenLifetime"] = tokenLifetime;
        server = await WeGoServer.StartAsync(settings, services => services.AddSingleton<TimeProvider>(clock));
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
            await server.DisposeAsync();
        file.Dispose();
    }

    [Fact]
    public async Task A_staff_token_works_for_12_hours_and_then_is_UNAUTHENTICATED_saying_it_expired()
    {
        await StartAsync();
        var secretariat = await server.SecretariatAsync();
        Assert.Equal(clock.GetUtcNow().AddHours(12), secretariat.Session!.ExpiresAt.ToDateTimeOffset());

        clock.Advance(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(1));
        Assert.Equal("seoul", (await secretariat.GetMemberCity("seoul")).Id);

        clock.Advance(TimeSpan.FromSeconds(1));
        var expired = await Assert.ThrowsAsync<RpcException>(() => secretariat.GetMemberCity("seoul"));
        Assert.Equal(StatusCode.Unauthenticated, expired.StatusCode);
        Assert.Contains("expired at 2023-09-05 12:00:00 UTC", expired.Status.Detail);
        Assert.Contains("sign in again", expired.Status.Detail);
    }

    [Fact]
    public async Task A_participant_token_follows_the_configured_lifetime()
    {
        await StartAsync(tokenLifetime: "00:30:00");
        var participant = await server.ParticipantAsync(await server.IssueAccessCodeAsync(new("p-busan-1", "ga-2023", "busan", "Park Ji-soo")));
        Assert.Equal(clock.GetUtcNow().AddMinutes(30), participant.Session!.ExpiresAt.ToDateTimeOffset());

        clock.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => participant.GetMemberCity("busan"))).StatusCode);
    }
}
