using System.Text.RegularExpressions;
using WeGoAssembly.Grains.Auth;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// Access codes are personal and unguessable: at least 128 random bits, never repeated, each signing in exactly the
/// person it was issued to, and a near miss of a real code is refused. (Revoked, unknown, empty and overlong codes:
/// AuthEndToEndTests.A_participant_redeems_an_access_code_typed_loosely_and_a_revoked_or_unknown_code_is_UNAUTHENTICATED.)
/// </summary>
public sealed partial class AccessCodeTests : IAsyncLifetime
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private readonly TempSqliteFile file = new();
    private WeGoServer server = null!;

    public async Task InitializeAsync() => server = await WeGoServer.StartAsync(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path });

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        file.Dispose();
    }

    [Fact]
    public void Every_one_of_the_130_bits_of_a_code_is_random_and_20000_codes_are_all_different()
    {
        const int Count = 20_000, Bits = 26 * 5;
        var ones = new int[Bits];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Count; i++)
        {
            var (code, _) = AccessCodes.New();
            Assert.True(seen.Add(code), $"code {code} came twice");
            // Character i writes bits 5i to 5i+4 of the 130-bit number, lowest first.
            var symbols = code.Replace("-", "", StringComparison.Ordinal);
            for (var bit = 0; bit < Bits; bit++)
            {
                ones[bit] += (Crockford.IndexOf(symbols[bit / 5], StringComparison.Ordinal) >> (bit % 5)) & 1;
            }
        }

        // A random bit is 1 in 50 % of 20,000 codes give or take 0.35 % (one standard deviation), so 48-52 % fails a
        // fair bit about once in 10^8 runs, while a fixed or biased bit falls far outside. So no bit of the 26
        // characters is wasted: 130 random bits, 128 promised.
        Assert.All(Enumerable.Range(0, Bits), bit => Assert.InRange(ones[bit], Count * 48 / 100, Count * 52 / 100));
    }

    [Fact]
    public async Task Each_registration_gets_its_own_code_that_signs_in_that_person_only_and_a_near_miss_is_refused()
    {
        var secretariat = await server.SecretariatAsync();
        var registered = new List<RegisterParticipantResponse>();
        for (var i = 0; i < 40; i++)
        {
            registered.Add(await secretariat.Register("ga-2023", i % 2 == 0 ? "seoul" : "busan", $"Observer {i}", ParticipantRole.Observer, familyName: $"Code{i}"));
        }

        Assert.All(registered, r => Assert.Matches(CodeShape(), r.AccessCode));
        Assert.Equal(registered.Count, registered.Select(r => AccessCodes.KeyOf(r.AccessCode)).Distinct().Count());
        foreach (var r in registered.Take(6))
        {
            var session = (await server.ParticipantAsync(r.AccessCode)).Session!;
            Assert.Equal((r.Participant.Id, r.Participant.MemberCityId), (session.ParticipantId, session.MemberCityId));
        }

        // Two people of the same delegation: one's code does not let them act for the other.
        var (first, second) = (registered[0], registered[2]);
        var asFirst = await server.ParticipantAsync(first.AccessCode);
        await asFirst.SubmitItinerary(new() { ParticipantId = first.Participant.Id });
        var forOther = await Assert.ThrowsAsync<RpcException>(() => asFirst.SubmitItinerary(new() { ParticipantId = second.Participant.Id }));
        Assert.Equal(StatusCode.PermissionDenied, forOther.StatusCode);

        // Each character of a real code, changed to another symbol, is no code at all.
        var code = first.AccessCode;
        for (var i = 0; i < code.Length; i += 6)
        {
            var changed = Crockford[(Crockford.IndexOf(code[i], StringComparison.Ordinal) + 1) % Crockford.Length];
            var nearMiss = code[..i] + changed + code[(i + 1)..];
            var refused = await Assert.ThrowsAsync<RpcException>(() => server.ParticipantAsync(nearMiss));
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }
    }

    [GeneratedRegex("^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}-[0-9A-HJKMNP-TV-Z]$")]
    private static partial Regex CodeShape();
}
