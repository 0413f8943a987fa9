using Grpc.Core;

namespace WeGoAssembly.Server.Auth;

/// <summary>
/// Failures per key with back-off: the <paramref name="free"/>th failure blocks the key for <paramref name="first"/>,
/// each further one for twice as long as the one before, up to <paramref name="longest"/>.
/// A success clears the key; a key quiet for <paramref name="longest"/> is forgotten. In memory, per node.
/// </summary>
public sealed class FailureBackoff(int free, TimeSpan first, TimeSpan longest, TimeProvider clock)
{
    private const int PruneAbove = 10_000;

    private readonly Dictionary<string, (int Failures, DateTimeOffset Last, DateTimeOffset BlockedUntil)> keys = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private DateTimeOffset nextPrune = DateTimeOffset.MinValue;

    /// <summary>How long the key is still blocked; null when it is not.</summary>
    public TimeSpan? Blocked(string key)
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            return keys.TryGetValue(key, out var k) && k.BlockedUntil > now ? k.BlockedUntil - now : null;
        }
    }

    public void Failed(string key)
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            // Keys quiet for the longest back-off are dropped now and then (at most once per that time, so a flood of
            // distinct keys does not scan the table on every failure) and rotating keys cannot grow memory.
            if (keys.Count > PruneAbove && now >= nextPrune)
            {
                foreach (var stale in keys.Where(k => k.Value.Last + longest <= now).Select(k => k.Key).ToArray())
                    keys.Remove(stale);
                nextPrune = now + longest;
            }
            var failures = (keys.TryGetValue(key, out var k) && k.Last + longest > now ? k.Failures : 0) + 1;
            var blockedUntil = failures < free ? now
                : now + TimeSpan.FromTicks(Math.Min(longest.Ticks, first.Ticks << Math.Min(failures - free, 30)));
            keys[key] = (failures, now, blockedUntil);
        }
    }

    public void Succeeded(string key)
    {
        lock (gate)
            keys.Remove(key);
    }
}

/// <summary>
/// Slows down password and access code guessing without locking out a venue. Only failures count, never
/// successes, so 200 delegates behind the hall's one public address all get in at once. Two keys back off:
/// a user name from one address (after Auth:SignIn:MaxFailuresPerUserName failures), so a stranger elsewhere
/// cannot lock the administrator out; and an address (after Auth:SignIn:MaxFailuresPerAddress, sized for a hall of
/// people mistyping codes), so one machine cannot try codes or names at speed. Each block doubles from
/// Auth:SignIn:BackoffFirst up to Auth:SignIn:BackoffLongest. In memory per node: a restart forgets the
/// counts, which is acceptable for a throttle (passwords are hashed with PBKDF2, access codes carry 128 random bits).
/// </summary>
public sealed class SignInThrottle(AuthOptions options, TimeProvider clock)
{
    private readonly FailureBackoff addresses = new(options.MaxFailuresPerAddress, options.BackoffFirst, options.BackoffLongest, clock);
    private readonly FailureBackoff credentials = new(options.MaxFailuresPerUserName, options.BackoffFirst, options.BackoffLongest, clock);

    /// <summary>RESOURCE_EXHAUSTED while the address, or this user name from this address, is backing off.</summary>
    public void Check(string peer, string? userName = null)
    {
        var address = ClientAddress(peer);
        if (addresses.Blocked(address) is { } wait)
            throw Exhausted("Too many failed sign-ins from this address", wait);
        if (userName is not null && credentials.Blocked(userName + "|" + address) is { } nameWait)
            throw Exhausted("Too many failed sign-ins for this user name from this address", nameWait);
    }

    public void Failed(string peer, string? userName = null)
    {
        var address = ClientAddress(peer);
        addresses.Failed(address);
        if (userName is not null)
            credentials.Failed(userName + "|" + address);
    }

    public void Succeeded(string peer, string? userName = null)
    {
        if (userName is not null)
            credentials.Succeeded(userName + "|" + ClientAddress(peer));
    }

    /// <summary>
    /// For a signed-in staff member confirming their current password (ChangePassword): failures count per account,
    /// whatever the address, since the one guessing holds that account's session; web pages share one peer name.
    /// </summary>
    public void CheckAccount(string userName)
    {
        if (credentials.Blocked(userName + "|session") is { } wait)
            throw Exhausted("Too many wrong current passwords for this account", wait);
    }

    public void FailedAccount(string userName) => credentials.Failed(userName + "|session");

    public void SucceededAccount(string userName) => credentials.Succeeded(userName + "|session");

    /// <summary>The address without the port: "ipv4:10.0.0.7:50312" → "ipv4:10.0.0.7" (every connection of a client counts together).</summary>
    public static string ClientAddress(string peer)
    {
        var colon = peer.LastIndexOf(':');
        return peer.StartsWith("ipv", StringComparison.Ordinal) && colon > peer.IndexOf(':') ? peer[..colon] : peer;
    }

    private RpcException Exhausted(string what, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        var at = clock.GetUtcNow().AddSeconds(seconds);
        return new RpcException(new Status(StatusCode.ResourceExhausted, $"{what}; try again in {seconds} seconds (after {at:HH:mm:ss} UTC)."));
    }
}
