using WeGoAssembly.Grpc;

namespace WeGoAssembly.Server.Auth;

/// <summary>
/// Counts events per key over a sliding window (a log of timestamps per key, in memory): at most
/// <paramref name="limit"/> within any <paramref name="window"/>. Limits here are small, so the log is too.
/// </summary>
public sealed class SlidingWindowLimit(int limit, TimeSpan window, TimeProvider clock)
{
    // Keys whose events have all left the window are dropped now and then, so rotating keys cannot grow memory.
    private const int PruneAbove = 10_000;

    private readonly Dictionary<string, Queue<DateTimeOffset>> events = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private DateTimeOffset nextPrune = DateTimeOffset.MinValue;

    /// <summary>Records one event unless the key is at its limit: null when recorded, else how long until one would be.</summary>
    public TimeSpan? TryAcquire(string key)
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            if (Wait(key, now) is { } wait)
                return wait;
            Live(key, now, create: true)!.Enqueue(now);
            return null;
        }
    }

    /// <summary>How long until the key is under its limit again; null when it is now.</summary>
    public TimeSpan? RetryAfter(string key)
    {
        lock (gate)
            return Wait(key, clock.GetUtcNow());
    }

    /// <summary>Records one event whatever the count (a failure that already happened).</summary>
    public void Record(string key)
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            Live(key, now, create: true)!.Enqueue(now);
        }
    }

    /// <summary>Forgets the key's events (a successful sign-in clears its failures).</summary>
    public void Reset(string key)
    {
        lock (gate)
            events.Remove(key);
    }

    private TimeSpan? Wait(string key, DateTimeOffset now) =>
        Live(key, now, create: false) is { } log && log.Count >= limit
            ? log.ElementAt(log.Count - limit) + window - now
            : null;

    private Queue<DateTimeOffset>? Live(string key, DateTimeOffset now, bool create)
    {
        if (create && events.Count > PruneAbove && now >= nextPrune)
        {
            foreach (var (stale, _) in events.Where(e => e.Value.Count == 0 || e.Value.Last() <= now - window).ToArray())
                events.Remove(stale);
            nextPrune = now + window;
        }
        if (!events.TryGetValue(key, out var log))
        {
            if (!create)
                return null;
            events[key] = log = new Queue<DateTimeOffset>();
        }
        while (log.Count > 0 && log.Peek() <= now - window)
            log.Dequeue();
        return log;
    }
}

/// <summary>
/// Slows down password and access code guessing: at most Auth:SignIn:MaxAttemptsPerClientPerMinute calls of
/// SignIn and RedeemAccessCode per client address, and Auth:SignIn:MaxFailuresPerUserName failed sign-ins per
/// user name within Auth:SignIn:FailureWindow. In memory per node: a restart forgets the counts, which is
/// acceptable for a throttle (the passwords are hashed with PBKDF2 and access codes carry 128 random bits).
/// </summary>
public sealed class SignInThrottle(AuthOptions options, TimeProvider clock)
{
    private readonly SlidingWindowLimit attempts = new(options.MaxAttemptsPerClientPerMinute, TimeSpan.FromMinutes(1), clock);
    private readonly SlidingWindowLimit failures = new(options.MaxFailuresPerUserName, options.FailureWindow, clock);

    /// <summary>Counts one attempt from the caller's address; RESOURCE_EXHAUSTED when the address is over its limit.</summary>
    public void Attempt(ServerCallContext context)
    {
        if (attempts.TryAcquire(ClientAddress(context.Peer)) is { } wait)
            throw Exhausted("Too many sign-in attempts from this address", wait);
    }

    /// <summary>RESOURCE_EXHAUSTED when the user name has failed too often lately, even if this password would be right.</summary>
    public void CheckUserName(string userName)
    {
        if (failures.RetryAfter(userName) is { } wait)
            throw Exhausted("Too many failed sign-ins for this user name", wait);
    }

    public void Failed(string userName) => failures.Record(userName);

    public void Succeeded(string userName) => failures.Reset(userName);

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
        return new RpcException(StatusCode.ResourceExhausted, $"{what}; try again in {seconds} seconds (after {at:HH:mm:ss} UTC).");
    }
}
