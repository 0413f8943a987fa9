using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Auth;
using WeGoAssembly.Grains.Rules;
using Orleans;

namespace WeGoAssembly.Server.Auth;

/// <summary>
/// Turns the "authorization" a call carries into the caller, for the gRPC path (<see cref="BearerAuthenticationHandler"/>)
/// and the web path (the token in the sign-in cookie) alike. The token's signature and expiry are checked on every
/// call. Whether its account or access code still stands (staff: not disabled, and with which roles; participant:
/// code not revoked, accreditation not rejected) is looked up in the grains once and remembered: until this node's
/// grains report a change for that actor (<see cref="AccessChanges"/>), which takes effect on the very next call, and
/// at most <see cref="AuthOptions.AccessRecheck"/>, which bounds how long a change made through another node goes unseen.
/// </summary>
public sealed class AccessCheck
{
    private const int MaxRemembered = 65_536;

    private readonly ConcurrentDictionary<string, Standing> standings = new(StringComparer.Ordinal);
    private readonly BearerTokens tokens;
    private readonly IGrainFactory grains;
    private readonly AuthOptions options;
    private readonly TimeProvider clock;
    private long changes;

    public AccessCheck(BearerTokens tokens, IGrainFactory grains, AuthOptions options, TimeProvider clock, AccessChanges accessChanges)
    {
        (this.tokens, this.grains, this.options, this.clock) = (tokens, grains, options, clock);
        accessChanges.Changed += Forget;
    }

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

    /// <summary>
    /// The use cases' view of a call made with <paramref name="token"/> outside gRPC (a web page, a download: the token
    /// their sign-in cookie carries); a refused or missing token gives a context without a caller, saying why.
    /// </summary>
    public async ValueTask<CallContext> ContextAsync(string? token, string peer, CancellationToken cancellationToken)
    {
        var outcome = await ResolveTokenAsync(token);
        return new CallContext(outcome.Identity, outcome.Refusal, peer, cancellationToken);
    }

    private async ValueTask<Outcome> ResolveTokenAsync(string? token)
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
            var before = Interlocked.Read(ref changes);
            standing = await StandingOf(reading, now);
            if (standings.Count >= MaxRemembered)
                standings.Clear();
            // Not remembered when a change was reported while it was looked up: it may predate that change.
            if (Interlocked.Read(ref changes) == before)
                standings[key] = standing;
        }
        return standing.Identity is { } current ? new(current, null) : new(null, standing.Refusal);
    }

    private void Forget(string actor)
    {
        Interlocked.Increment(ref changes);
        foreach (var key in standings.Keys)
            if (key.StartsWith(actor, StringComparison.Ordinal) && key.Length > actor.Length && key[actor.Length] == '|')
                standings.TryRemove(key, out _);
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
        var person = await grains.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(participant.AssemblyId, participant.MemberCityId))
            .GetParticipantAsync(participant.ParticipantId);
        if (person is { Status: AccreditationStatus.Rejected })
            return new(now, null, "Your accreditation was rejected, so this access code no longer signs you in; ask the secretariat why.");
        return new(now, identity, null);
    }

    private sealed record Standing(DateTimeOffset CheckedAt, CallerIdentity? Identity, string? Refusal);
}
