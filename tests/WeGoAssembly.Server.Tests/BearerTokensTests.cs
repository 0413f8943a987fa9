using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Server.Auth;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>The token format on its own: what a signature protects, and what it does not accept.</summary>
public sealed class BearerTokensTests
{
    private static readonly CallerIdentity Logistics = new("staff:dispatch", new HashSet<Role> { Role.Logistics }, "Dispatch", null);

    private readonly ManualClock clock = new();

    private BearerTokens Tokens(byte[] key)
    {
        var tokens = new BearerTokens(AuthOptions.From(new ConfigurationBuilder().Build()), clock);
        tokens.UseKey(key);
        return tokens;
    }

    [Fact]
    public void A_token_reads_back_as_the_identity_it_was_issued_for_with_its_expiry()
    {
        var tokens = Tokens(RandomNumberGenerator.GetBytes(32));
        var participant = new CallerIdentity("participant:p-seoul-1", new HashSet<Role> { Role.Participant }, "김민지",
            new ParticipantRef("p-seoul-1", "ga-2023", "seoul", "김민지"));

        var (token, expiresAt) = tokens.Issue(participant);
        var reading = tokens.Read(token);

        Assert.NotNull(reading);
        Assert.Equal(clock.GetUtcNow().AddHours(12), expiresAt);
        Assert.Equal(expiresAt, reading.ExpiresAt);
        Assert.Equal(participant.Actor, reading.Identity.Actor);
        Assert.Equal(participant.Participant, reading.Identity.Participant);
        Assert.Equal([Role.Participant], reading.Identity.Roles);
    }

    [Fact]
    public void A_token_whose_claims_were_changed_or_that_another_key_signed_is_refused()
    {
        var tokens = Tokens(RandomNumberGenerator.GetBytes(32));
        var (token, _) = tokens.Issue(Logistics);
        var dot = token.IndexOf('.');
        var claims = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(..dot)));
        var elevated = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.Replace("[2]", "[1]"))) + token[dot..];
        var (foreign, _) = Tokens(RandomNumberGenerator.GetBytes(32)).Issue(Logistics);

        Assert.Contains("[2]", claims);
        Assert.Null(tokens.Read(elevated));
        Assert.Null(tokens.Read(foreign));
        Assert.Null(tokens.Read(token[..dot]));
        Assert.Null(tokens.Read(token + "." + token));
        Assert.Null(tokens.Read(new string('a', 10_000)));
        Assert.NotNull(tokens.Read(token));
    }
}
