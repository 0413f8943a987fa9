using Microsoft.Extensions.DependencyInjection;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The sign-in throttle with its production limits (5 failures per user name per 5 minutes, 20 attempts
/// per client address per minute) and a manual clock instead of waiting.
/// </summary>
public sealed class SignInRateLimitTests : IAsyncLifetime
{
    private const string WrongPassword = "wrong password, guess 1";

    private readonly TempSqliteFile file = new();
    private readonly ManualClock clock = new();
    private WeGoServer server = null!;

    public async Task InitializeAsync() =>
        server = await WeGoServer.StartAsync(
            new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path, ["Auth:SignIn:MaxAttemptsPerClientPerMinute"] = "20" },
            services => services.AddSingleton<TimeProvider>(clock));

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        file.Dispose();
    }

    [Fact]
    public async Task Five_failed_sign_ins_lock_that_user_name_for_five_minutes_even_with_the_right_password()
    {
        var secretariat = await server.SecretariatAsync();
        await secretariat.UpsertStaffAccount(AuthEndToEndTests.Staff("dispatch", "Dispatch", UserRole.Logistics), "two buses to Magok, 9:00");

        for (var i = 0; i < 5; i++)
            Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.SignIn("admin", WrongPassword))).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(1));

        var locked = await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.SignIn("ADMIN", WeGoServer.AdminPassword));
        Assert.Equal(StatusCode.ResourceExhausted, locked.StatusCode);
        Assert.Contains("Too many failed sign-ins for this user name; try again in 240 seconds", locked.Status.Detail);
        Assert.NotNull((await server.StaffAsync("dispatch", "two buses to Magok, 9:00")).Session);   // other user names are not affected

        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.NotNull((await server.StaffAsync("admin", WeGoServer.AdminPassword)).Session);
    }

    [Fact]
    public async Task A_successful_sign_in_clears_the_failures_of_its_user_name()
    {
        for (var i = 0; i < 4; i++)
            await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.SignIn("admin", WrongPassword));
        await server.StaffAsync("admin", WeGoServer.AdminPassword);

        for (var i = 0; i < 4; i++)
            Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.SignIn("admin", WrongPassword))).StatusCode);
        Assert.NotNull((await server.StaffAsync("admin", WeGoServer.AdminPassword)).Session);
    }

    [Fact]
    public async Task Twenty_attempts_a_minute_from_one_address_then_RESOURCE_EXHAUSTED_until_the_minute_has_passed()
    {
        for (var i = 0; i < 20; i++)
            Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.RedeemAccessCode($"guess-{i}"))).StatusCode);

        var exhausted = await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.SignIn("admin", WeGoServer.AdminPassword));
        Assert.Equal(StatusCode.ResourceExhausted, exhausted.StatusCode);
        Assert.Contains("Too many sign-in attempts from this address; try again in 60 seconds", exhausted.Status.Detail);
        clock.Advance(TimeSpan.FromSeconds(45));
        var still = await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.RedeemAccessCode("guess-21"));
        Assert.Contains("try again in 15 seconds", still.Status.Detail);

        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.NotNull((await server.StaffAsync("admin", WeGoServer.AdminPassword)).Session);
    }
}
