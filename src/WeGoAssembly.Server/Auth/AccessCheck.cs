using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Runtime;

namespace WeGoAssembly.Server.Auth;

/// <summary>
/// Turns the "authorization" a call carries into the caller, for the gRPC path (<see cref="BearerAuthenticationHandler"/>)
/// and the web path (the token in the sign-in cookie) alike. The token's signature and expiry are checked on every
/// call; whether its account or access code still stands is asked again once <see cref="AuthOptions.AccessRecheck"/>
/// has passed: a disabled staff account, a revoked access code or a rejected participant loses access within that
/// time, and a staff member's changed roles take effect with it.
/// </summary>
public sealed class AccessCheck(BearerTokens tokens, IGrainFactory grains, AuthOptions options, TimeProvider clock)
{
    private const int MaxRemembered = 65_536;

    private readonly ConcurrentDictionary<string, Standing> standings = new(StringComparer.Ordinal);

    /// <summary>The caller, or null with the reason (null reason: no credentials were sent at all).</summary>
    public readonly record struct Outcome(CallerIdentity? Identity, string? Refusal);

    /// <summary>Reads "authorization" metadata: exactly one "Bearer &lt;token&gt;".</summary>
    public ValueTask<Outcome> ResolveHeaderAsync(StringValues authorization)
    {
        if (authorization.Count == 0 || string.IsNullOrWhiteSpace(authorization[0]))
            return ValueTask.FromResult(new Outcome(null, null));
        var value = authorization.Count == 1 ? authorization[0]!.Trim() : "";
        if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return ValueTask.FromResult(new Outcome(null, "The authorization metadata must be exactly one 'Bearer <token>'. " + CallContext.SignInFirst));
        return ResolveTokenAsync(value["Bearer ".Length..].Trim());
    }

    public async ValueTask<Outcome> ResolveTokenAsync(string? token)
    {
        if (string.IsNullOrEmpty(token))
            return new(null, null);
        var reading = tokens.Read(token);
        if (reading is null)
            return new(null, "The bearer token is not valid (damaged, or not issued by this server); sign in again with SignIn or RedeemAccessCode.");
        var now = clock.GetUtcNow();
        if (reading.ExpiresAt <= now)
            return new(null, $"The bearer token expired at {reading.ExpiresAt:yyyy-MM-dd HH:mm:ss} UTC; sign in again with SignIn or RedeemAccessCode.");

        var key = reading.Identity.Actor + "|" + reading.AccessCodeKey;
        if (!standings.TryGetValue(key, out var standing) || standing.CheckedAt + options.AccessRecheck <= now)
        {
            standing = await StandingOf(reading, now);
            if (standings.Count >= MaxRemembered)
                standings.Clear();
            standings[key] = standing;
        }
        return standing.Identity is { } current ? new(current, null) : new(null, standing.Refusal);
    }

    private async Task<Standing> StandingOf(TokenReading reading, DateTimeOffset now)
    {
        var identity = reading.Identity;
        if (identity.Participant is not { } participant)
        {
            var userName = identity.Actor.StartsWith("staff:", StringComparison.Ordinal) ? identity.Actor["staff:".Length..] : identity.Actor;
            var account = await grains.GetGrain<IStaffAccountGrain>(userName).GetAsync();
            if (account is null)
                return new(now, null, $"The staff account {userName} no longer exists; ask the secretariat.");
            if (account.Disabled)
                return new(now, null, "This account is disabled; ask the secretariat to enable it.");
            // The account's roles and name as they are now, not as they were at sign-in.
            return new(now, identity with { Roles = account.Roles.ToHashSet(), DisplayName = account.DisplayName }, null);
        }

        if (reading.AccessCodeKey is not { } codeKey || await grains.GetGrain<IAccessCodeGrain>(codeKey).GetAsync() is null)
            return new(now, null, "Your access code was revoked or replaced; sign in with the new code from your delegation's focal point or the secretariat.");
        var delegation = await grains.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(participant.AssemblyId, participant.MemberCityId)).GetAsync();
        if (delegation.Participants.FirstOrDefault(p => p.Id == participant.ParticipantId) is { Status: AccreditationStatus.Rejected })
            return new(now, null, "Your accreditation was rejected, so this access code no longer signs you in; ask the secretariat why.");
        return new(now, identity, null);
    }

    private sealed record Standing(DateTimeOffset CheckedAt, CallerIdentity? Identity, string? Refusal);
}
