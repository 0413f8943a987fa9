namespace WeGoAssembly.Runtime;

// The storage contracts the runtime persists through; WeGoAssembly.Storage implements them on
// SQLite and PostgreSQL. They speak JSON text so that the storage knows nothing of grain types.

/// <summary>Identifies one grain: its stable type name (see <see cref="GrainTypeName"/>) and its key.</summary>
public readonly record struct GrainId(string Type, string Key)
{
    public override string ToString() => $"{Type}/{Key}";
}

/// <summary>A stored grain state: its version tag and JSON payload.</summary>
public sealed record StoredState(string Etag, string Json);

/// <summary>One grain's stored state returned by a scan, for read models.</summary>
public sealed record StoredGrainState(string Key, string Etag, string Json);

/// <summary>One stored journal event.</summary>
public sealed record StoredEvent(long Sequence, DateTimeOffset RecordedAt, string Json);

/// <summary>Stores grain states with optimistic concurrency on an etag.</summary>
public interface IGrainStorage
{
    /// <summary>The stored state, or null if none was written (or it was cleared).</summary>
    Task<StoredState?> ReadAsync(GrainId grain, string stateName, CancellationToken ct);

    /// <summary>
    /// Writes the state if the stored etag still equals <paramref name="expectedEtag"/> (null: nothing
    /// may be stored) and returns the new etag; throws <see cref="InconsistentStateException"/> otherwise.
    /// With <paramref name="audit"/>, appends it to the audit log in the same transaction: the state and
    /// its audit entry are stored together, or (on a conflict or any failure) neither is.
    /// </summary>
    Task<string> WriteAsync(GrainId grain, string stateName, string? expectedEtag, string json, CancellationToken ct, AuditRecord? audit = null);

    /// <summary>Removes the state under the same etag rule as <see cref="WriteAsync"/>; clearing nothing is a no-op.</summary>
    Task ClearAsync(GrainId grain, string stateName, string? expectedEtag, CancellationToken ct);

    /// <summary>States of one grain type and state name with key &gt; <paramref name="afterKey"/>, in ordinal key order.</summary>
    IAsyncEnumerable<StoredGrainState> ScanAsync(string grainType, string stateName, string? afterKey, int limit, CancellationToken ct);
}

/// <summary>Stores grain journals: append-only event sequences numbered from 0 without gaps.</summary>
public interface IJournalStorage
{
    /// <summary>Number of events stored, which is the sequence number of the next one.</summary>
    Task<long> GetVersionAsync(GrainId grain, string journalName, CancellationToken ct);

    /// <summary>
    /// Appends all events or none, numbered from <paramref name="expectedVersion"/>; throws
    /// <see cref="InconsistentStateException"/> if the journal's version is not <paramref name="expectedVersion"/>.
    /// </summary>
    Task AppendAsync(GrainId grain, string journalName, long expectedVersion, IReadOnlyList<string> jsonEvents, CancellationToken ct);

    /// <summary>Events with sequence &gt;= <paramref name="fromVersion"/>, in order, at most <paramref name="maxCount"/>.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadAsync(GrainId grain, string journalName, long fromVersion, int maxCount, CancellationToken ct);
}
