namespace WeGoAssembly.Runtime;

// The public surface of the grain runtime. Names and shapes follow Orleans
// (Orleans.IGrainWithStringKey, IGrainFactory, Grain, IPersistentState<T>, PersistentStateAttribute)
// so that moving onto Orleans, once it can be restored, is a change of using directives.

/// <summary>Marker for a grain interface.</summary>
public interface IGrain;

/// <summary>A grain addressed by a string key; every method returns Task, Task&lt;T&gt; or ValueTask(&lt;T&gt;).</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>Hands out references to grains; a reference is cheap and the grain is activated on first call.</summary>
public interface IGrainFactory
{
    TGrainInterface GetGrain<TGrainInterface>(string primaryKey) where TGrainInterface : IGrainWithStringKey;
}

/// <summary>A grain's persisted state, loaded at activation and written explicitly by the grain.</summary>
public interface IPersistentState<TState> where TState : new()
{
    /// <summary>The current state; a new TState when nothing has been stored yet.</summary>
    TState State { get; set; }

    /// <summary>The version of the stored state this activation last read or wrote; null before the first write.</summary>
    string? Etag { get; }

    /// <summary>Whether a stored record exists.</summary>
    bool RecordExists { get; }

    Task ReadStateAsync();

    /// <summary>Writes State; throws <see cref="InconsistentStateException"/> if another writer got there first.</summary>
    Task WriteStateAsync();

    /// <summary>
    /// Writes State and appends <paramref name="audit"/> to the audit log in one transaction: the change
    /// and its audit entry are stored together or not at all.
    /// </summary>
    Task WriteStateAsync(AuditRecord audit);

    Task ClearStateAsync();
}

/// <summary>
/// One audit log entry: who did what to which thing. Actor is "staff:&lt;user&gt;", "participant:&lt;id&gt;",
/// "system" or "sample-data"; Action like "member-city.upserted"; Subject like "member-city/seoul";
/// Details a short JSON object of what changed. The time is the storage's.
/// </summary>
public sealed record AuditRecord(string Actor, string Action, string Subject, string Details);

/// <summary>Names the storage slot of a grain's constructor parameter of type IPersistentState&lt;T&gt;.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName) : Attribute
{
    public string StateName { get; } = stateName;
}

/// <summary>An append-only event log of one grain, for grains whose history matters.</summary>
public interface IJournal<TEvent>
{
    /// <summary>Number of events stored (the version the next append must expect).</summary>
    long Version { get; }

    /// <summary>Appends events atomically; throws <see cref="InconsistentStateException"/> on a concurrent append.</summary>
    Task AppendAsync(IReadOnlyList<TEvent> events);

    /// <summary>Reads events with sequence number &gt;= fromVersion (0-based), in order.</summary>
    Task<IReadOnlyList<JournalEntry<TEvent>>> ReadAsync(long fromVersion = 0, int maxCount = int.MaxValue);
}

/// <summary>One stored journal event with its sequence number and the time it was recorded.</summary>
public sealed record JournalEntry<TEvent>(long Sequence, DateTimeOffset RecordedAt, TEvent Event);

/// <summary>Names the journal of a grain's constructor parameter of type IJournal&lt;TEvent&gt;.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class JournalAttribute(string journalName) : Attribute
{
    public string JournalName { get; } = journalName;
}

/// <summary>A write lost an optimistic-concurrency race; the activation is dropped and reloads on the next call.</summary>
public sealed class InconsistentStateException(string message, Exception? inner = null) : Exception(message, inner);
