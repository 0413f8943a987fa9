using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Grpc.Core;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The sign-in throttle with its production settings (30 failures per address, 5 per user name and address, back-off
/// doubling from 2 s to 5 minutes) and a manual clock instead of waiting. Other client addresses are real: connections
/// bound to 127.0.0.2 and 127.0.0.3.
/// </summary>
public sealed class SignInRateLimitTests : IAsyncLifetime
{
    private const string WrongPassword = "wrong password, guess 1";

    private readonly TempSqliteFile file = new();
    private readonly ManualClock clock = new();
    private WeGoServer server = null!;

    public async Task InitializeAsync() =>
        server = await WeGoServer.StartAsync(
            new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path, ["Auth:SignIn:MaxFailuresPerAddress"] = "30" },
            services => services.AddSingleton<TimeProvider>(clock));

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        file.Dispose();
    }

    [Fact]
    public async Task Two_hundred_delegates_behind_one_address_all_sign_in_at_once_even_with_some_typing_errors()
    {
        var codes = new List<string>();
        for (var i = 0; i < 200; i++)
            codes.Add(await server.IssueAccessCodeAsync(new ParticipantRef($"p-seoul-{i + 100}", "ga-2023", "seoul", $"Delegate {i}")));
        var hall = server.AnonymousFrom(IPAddress.Parse("127.0.0.2"));

        var signedIn = 0;
        for (var i = 0; i < codes.Count; i++)
        {
            if (i % 10 == 0)   // one in ten mistypes first: 20 failures from the hall, under its 30
                Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => hall.RedeemAccessCode(Mistyped(codes[i])))).StatusCode);
            Assert.Equal($"p-seoul-{i + 100}", (await hall.RedeemAccessCode(codes[i])).ParticipantId);
            signedIn++;
        }

        Assert.Equal(200, signedIn);
    }

    /// <summary>The code with its last character changed (to another one: a code that ends in '0' gets '1').</summary>
    private static string Mistyped(string code) => code[..^1] + (code[^1] == '0' ? '1' : '0');

    [Fact]
    public async Task A_stranger_guessing_the_admin_password_elsewhere_does_not_lock_the_administrator_out()
    {
        var stranger = server.AnonymousFrom(IPAddress.Parse("127.0.0.3"));
        for (var i = 0; i < 5; i++)
            Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => stranger.SignIn("admin", WrongPassword))).StatusCode);
        var backingOff = await Assert.ThrowsAsync<RpcException>(() => stranger.SignIn("admin", WeGoServer.AdminPassword));
        Assert.Equal(StatusCode.ResourceExhausted, backingOff.StatusCode);

        Assert.NotNull((await server.StaffAsync("admin", WeGoServer.AdminPassword)).Session);
    }

    [Fact]
    public async Task Failures_for_a_user_name_from_one_address_back_off_doubling_and_a_success_clears_them()
    {
        var secretariat = await server.SecretariatAsync();
        await secretariat.UpsertStaffAccount(AuthEndToEndTests.Staff("dispatch", "Dispatch", UserRole.Logistics), "two buses to Magok, 9:00");

        for (var i = 0; i < 5; i++)
            Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.SignIn("admin", WrongPassword))).StatusCode);

        var first = await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.SignIn("ADMIN", WeGoServer.AdminPassword));
        Assert.Equal(StatusCode.ResourceExhausted, first.StatusCode);
        Assert.Contains("Too many failed sign-ins for this user name from this address; try again in 2 seconds", first.Status.Detail);
        Assert.NotNull((await server.StaffAsync("dispatch", "two buses to Magok, 9:00")).Session);   // other user names are not affected

        clock.Advance(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.SignIn("admin", WrongPassword));
        var second = await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.SignIn("admin", WeGoServer.AdminPassword));
        Assert.Contains("try again in 4 seconds", second.Status.Detail);

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.NotNull((await server.StaffAsync("admin", WeGoServer.AdminPassword)).Session);
        // The success cleared the count: four more failures before any wait.
        for (var i = 0; i < 4; i++)
            Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.SignIn("admin", WrongPassword))).StatusCode);
    }

    [Fact]
    public async Task An_address_guessing_codes_backs_off_after_thirty_failures()
    {
        var code = await server.IssueAccessCodeAsync(new ParticipantRef("p-seoul-9", "ga-2023", "seoul", "Delegate"));
        for (var i = 0; i < 30; i++)
            Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.RedeemAccessCode($"guess-{i}"))).StatusCode);

        var exhausted = await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.RedeemAccessCode(code));
        Assert.Equal(StatusCode.ResourceExhausted, exhausted.StatusCode);
        Assert.Contains("Too many failed sign-ins from this address; try again in 2 seconds", exhausted.Status.Detail);
        Assert.NotNull(await server.AnonymousFrom(IPAddress.Parse("127.0.0.2")).RedeemAccessCode(code));   // another address is not affected

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("p-seoul-9", (await server.Anonymous.RedeemAccessCode(code)).ParticipantId);
    }
}
