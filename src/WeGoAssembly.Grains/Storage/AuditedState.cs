using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Grains.Storage;

/// <summary>What Orleans stores for an audited grain: its state and the audit entries of its changes not yet known to be in the log.</summary>
public sealed class Audited<TState> where TState : new()
{
    public TState State { get; set; } = new();

    public List<PendingAudit> Outbox { get; set; } = [];
}

/// <summary>
/// A grain's state with its audit trail and its projection kept exact without a transaction across Orleans'
/// table and ours (a transactional outbox, deploy/sql/*/013-change-outbox.sql): the grain is marked before the first
/// change of its activation; each change is stored by Orleans with its audit entries in the state, then the entries
/// are appended and the projection upserted, both idempotently; the mark is released when the activation ends with
/// nothing pending. After a crash the entries are appended again from the stored state, on the grain's next
/// activation or by the start-up sweep of marked grains; a change whose write failed has no entry in the stored
/// state, so it never reaches the log. One mark per activation, not per change: a change costs two commits.
/// </summary>
/// <param name="project">The projection kind when the grain's state is listed (its JSON is the row), null otherwise.</param>
public sealed partial class AuditedState<TState>(
    IPersistentState<Audited<TState>> stored, IChangeOutbox outbox, string grainKind, string key, string? project, TimeProvider clock, ILogger logger)
    where TState : new()
{
    /// <summary>The current state; a new TState when nothing has been stored yet.</summary>
    public TState State => stored.State.State;

    /// <summary>Whether a stored record exists.</summary>
    public bool RecordExists => stored.RecordExists;

    /// <summary>Stores <paramref name="next"/> (no audit entry: for changes of bookkeeping, never of the assembly's record).</summary>
    public Task WriteStateAsync(TState next) => WriteAsync(next, audit: null);

    /// <summary>Stores <paramref name="next"/> and its audit entry; if the write fails, memory keeps the state it had.</summary>
    public Task WriteStateAsync(TState next, AuditRecord audit) => WriteAsync(next, audit);

    // Whether this activation has marked the grain (and not released the mark).
    private bool marked;
    // A write failed without a definite refusal: it may have been stored (with entries memory no longer holds), so the
    // mark stays for the start-up sweep, which replays from what was stored.
    private bool uncertain;

    /// <summary>Appends what the outbox holds (after a crash); with <paramref name="always"/>, also refreshes the projection and releases the mark.</summary>
    public Task ReplayAsync(bool always = false) =>
        always ? CommitAsync(release: true) : stored.State.Outbox.Count > 0 ? CommitAsync(release: !marked) : Task.CompletedTask;

    /// <summary>At the end of the activation: commits what is pending and releases the mark.</summary>
    public Task ReleaseAsync() => marked ? CommitAsync(release: !uncertain) : Task.CompletedTask;

    private async Task WriteAsync(TState next, AuditRecord? audit)
    {
        var previous = stored.State;
        var pending = audit is null ? previous.Outbox : [.. previous.Outbox, new PendingAudit(NewId(), clock.GetUtcNow(), audit)];
        if (!marked && (pending.Count > 0 || project is not null))
        {
            await outbox.MarkAsync(grainKind, key);
            marked = true;
        }
        stored.State = new Audited<TState> { State = next, Outbox = pending };
        try
        {
            await stored.WriteStateAsync();
        }
        catch (Exception exception)
        {
            stored.State = previous;
            uncertain |= exception is not Orleans.Storage.InconsistentStateException;
            throw;
        }
        await CommitAsync(release: false);
    }

    private async Task CommitAsync(bool release)
    {
        var entries = stored.State.Outbox;
        var row = project is null || stored.Etag is null
            ? null
            : new ProjectionRow(project, key, long.Parse(stored.Etag, CultureInfo.InvariantCulture), JsonSerializer.Serialize(stored.State.State, GrainJson.Options));
        try
        {
            await outbox.CommitAsync(grainKind, key, entries, row, release);
            // Appended: the next write stores an empty outbox (until then a replay appends nothing new).
            if (ReferenceEquals(entries, stored.State.Outbox))
                stored.State.Outbox = [];
            if (release)
                marked = false;
        }
        catch (Exception exception)
        {
            // The change is stored and acknowledged; its entries stay in the outbox and the mark stays, so the next
            // write, the next activation or the start-up sweep appends them.
            marked = marked || release;
            OutboxFailed(logger, exception, grainKind, key);
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    [LoggerMessage(Level = LogLevel.Warning, Message = "The change of {GrainKind}/{Key} is stored; appending its audit entry or projection failed and is retried later")]
    private static partial void OutboxFailed(ILogger logger, Exception exception, string grainKind, string key);
}
