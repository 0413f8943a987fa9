namespace WeGoAssembly.Contracts.Records;

/// <summary>
/// One audit log entry: who did what to which thing. Actor is "staff:&lt;user&gt;", "participant:&lt;id&gt;",
/// "system" or "sample-data"; Action like "member-city.upserted"; Subject like "member-city/seoul";
/// Details a short JSON object of what changed.
/// </summary>
public sealed record AuditRecord(string Actor, string Action, string Subject, string Details);

/// <summary>An audit entry waiting in a grain's outbox: its id makes appending it again a no-op, At is when the change was made.</summary>
public sealed record PendingAudit(string Id, DateTimeOffset At, AuditRecord Record);

/// <summary>A grain's row in a list (a projection): its JSON, at the version of the grain state it was made from.</summary>
public sealed record ProjectionRow(string Kind, string Key, long Version, string Json);

/// <summary>A grain whose outbox may hold entries not yet appended, as its mark says.</summary>
public sealed record MarkedGrain(string GrainKind, string Key);

/// <summary>
/// The tables a grain's change reaches besides its own state (which Orleans stores): the append-only audit log
/// and the projections lists read. A grain is marked before its first change of an activation is written, and the
/// mark is released when the activation ends with everything committed: a mark left by a crash lets start-up find
/// the grain and replay its outbox.
/// </summary>
public interface IChangeOutbox
{
    /// <summary>Records that the grain is about to store a change whose audit and projection are not yet written.</summary>
    Task MarkAsync(string grainKind, string key);

    /// <summary>
    /// In one transaction: appends the audit entries not yet in the log (by id), upserts the projection unless a
    /// newer version is stored, and with <paramref name="releaseMark"/> removes the grain's mark. Running it twice
    /// has the effect of once.
    /// </summary>
    Task CommitAsync(string grainKind, string key, IReadOnlyList<PendingAudit> audit, ProjectionRow? projection, bool releaseMark);

    /// <summary>The grains marked and not yet committed (after a crash, or a failed write).</summary>
    Task<IReadOnlyList<MarkedGrain>> MarkedAsync(CancellationToken ct);
}

/// <summary>Reads projections: one row per entity, in ordinal key order.</summary>
public interface IProjectionReader
{
    /// <summary>Rows of <paramref name="kind"/> with key &gt; <paramref name="afterKey"/>, at most <paramref name="limit"/>, in key order.</summary>
    Task<IReadOnlyList<(string Key, string Json)>> ReadPageAsync(string kind, string? afterKey, int limit, CancellationToken ct);
}
