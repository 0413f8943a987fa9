namespace WeGoAssembly.Testing;

/// <summary>
/// A TimeProvider whose "now" moves only when a test calls <see cref="Advance"/>, so expiry and rate
/// windows are tested without sleeping. Timers and timestamps stay on real time (the base class's).
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long utcTicks = start.UtcTicks;

    public ManualClock()
        : this(new DateTimeOffset(2023, 9, 5, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref utcTicks, by.Ticks);
}
