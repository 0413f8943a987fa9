using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using WeGoAssembly.Contracts.Auth;

namespace WeGoAssembly.Server.Auth;

/// <summary>What a token that passed its signature check says: who, and from when until when.</summary>
/// <summary>AccessCodeKey names the access code a participant's token was redeemed with, so revoking the code ends the token.</summary>
public sealed record TokenReading(CallerIdentity Identity, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string? AccessCodeKey);

/// <summary>
/// Bearer tokens: base64url(JSON claims) + "." + base64url(HMAC-SHA256 of the first part). Any node holding the
/// key checks the signature without a database read; whether the account or access code still stands is
/// <see cref="AccessCheck"/>'s question, asked again every few seconds.
/// </summary>
public sealed class BearerTokens(AuthOptions options, TimeProvider clock)
{
    // Tokens are a few hundred bytes; anything far larger is not ours and is not worth decoding.
    private const int MaxTokenLength = 4096;
    private const int MacBytes = 32;

    // Readings of tokens whose signature checked out, so a client's every call does not redo the HMAC and the
    // JSON: only tokens that passed Read's full check go in (a tampered token is another string, never a hit).
    // Expiry stays the caller's to check against the clock on every call, so a cached token still expires.
    private const int MaxCachedTokens = 65_536;

    private readonly ConcurrentDictionary<string, TokenReading> verified = new(StringComparer.Ordinal);
    private byte[]? key;

    /// <summary>Sets the signing key; called once at start-up, before the server accepts calls.</summary>
    public void UseKey(byte[] signingKey)
    {
        if (signingKey.Length < 32)
            throw new ArgumentException("A token signing key needs at least 32 bytes.", nameof(signingKey));
        key = signingKey.ToArray();
        verified.Clear();
    }

    /// <summary>A 256-bit key for <paramref name="purpose"/>, derived from the signing key (HKDF-SHA256): the same on every node.</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key ?? throw new InvalidOperationException("The token signing key is not loaded; StartWeGoAssemblyAsync loads it."),
            32, info: Encoding.UTF8.GetBytes(purpose));

    /// <summary>A new token for <paramref name="identity"/>, valid for Auth:TokenLifetime from now.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue(CallerIdentity identity, string? accessCodeKey = null)
    {
        var issuedAt = clock.GetUtcNow();
        // Whole seconds, so the expiry a client is told equals the one the token carries.
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((issuedAt + options.TokenLifetime).ToUnixTimeSeconds());
        var claims = new Claims(identity.Actor, identity.DisplayName, identity.Roles.Order().Select(r => (int)r).ToArray(),
            identity.Participant?.ParticipantId, identity.Participant?.AssemblyId, identity.Participant?.MemberCityId,
            issuedAt.ToUnixTimeSeconds(), expiresAt.ToUnixTimeSeconds(), accessCodeKey);
        var body = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims, ClaimsJson.Default.Claims));
        return (body + "." + Base64Url.EncodeToString(Mac(body)), expiresAt);
    }

    /// <summary>The token's claims when its signature is ours, else null (expiry is the caller's to check).</summary>
    public TokenReading? Read(string token)
    {
        if (verified.TryGetValue(token, out var known))
            return known;
        var reading = Verify(token);
        if (reading is null)
            return null;
        if (reading.ExpiresAt > clock.GetUtcNow())
        {
            // Bounded: when full, drop everything (expired entries included) and start over; a dropped token is
            // simply verified again on its next call.
            if (verified.Count >= MaxCachedTokens)
                verified.Clear();
            verified.TryAdd(token, reading);
        }
        return reading;
    }

    private TokenReading? Verify(string token)
    {
        if (token.Length is 0 or > MaxTokenLength)
            return null;
        var dot = token.IndexOf('.');
        if (dot <= 0 || token.IndexOf('.', dot + 1) >= 0)
            return null;
        var body = token[..dot];
        Span<byte> mac = stackalloc byte[MacBytes + 2];
        if (!Base64Url.TryDecodeFromChars(token.AsSpan(dot + 1), mac, out var written) || written != MacBytes
            || !CryptographicOperations.FixedTimeEquals(mac[..MacBytes], Mac(body)))
            return null;

        Claims? claims;
        try
        {
            claims = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(body), ClaimsJson.Default.Claims);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
        if (claims is null || string.IsNullOrEmpty(claims.Subject) || claims.Roles is null || !claims.Roles.All(r => Enum.IsDefined((Role)r)))
            return null;

        var participant = claims.ParticipantId is { } id
            ? new ParticipantRef(id, claims.AssemblyId ?? "", claims.MemberCityId ?? "", claims.Name ?? "")
            : null;
        var identity = new CallerIdentity(claims.Subject, claims.Roles.Select(r => (Role)r).ToHashSet(), claims.Name ?? "", participant);
        return new(identity, DateTimeOffset.FromUnixTimeSeconds(claims.IssuedAt), DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt),
            claims.AccessCodeKey);
    }

    private byte[] Mac(string body) =>
        HMACSHA256.HashData(key ?? throw new InvalidOperationException("The token signing key is not loaded; StartWeGoAssemblyAsync loads it."),
            Encoding.ASCII.GetBytes(body));

    /// <summary>The signed claims; short names keep the token small in every request's metadata.</summary>
    internal sealed record Claims(
        [property: JsonPropertyName("sub")] string Subject,
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("roles")] int[] Roles,
        [property: JsonPropertyName("pid")] string? ParticipantId,
        [property: JsonPropertyName("aid")] string? AssemblyId,
        [property: JsonPropertyName("cid")] string? MemberCityId,
        [property: JsonPropertyName("iat")] long IssuedAt,
        [property: JsonPropertyName("exp")] long ExpiresAt,
        [property: JsonPropertyName("ack")] string? AccessCodeKey = null);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BearerTokens.Claims))]
internal sealed partial class ClaimsJson : JsonSerializerContext;
