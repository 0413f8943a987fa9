using System.Data.Common;
using System.Text;

namespace WeGoAssembly.Storage.Notifications;

/// <summary>Where a message stands in the delivery log (deploy/sql/*/015-notifications.sql).</summary>
public enum NotificationStatus { Queued, Sent, Failed, Held }

/// <summary>
/// A message to queue: the event it reports (<see cref="DedupeKey"/>: the same key is queued once), who gets it,
/// and its text; <see cref="Secret"/> is the encrypted access code the body leaves out, if any.
/// </summary>
public sealed record NotificationDraft(
    string DedupeKey, string AssemblyId, string ParticipantId, string Kind, string Language,
    string RecipientName, string RecipientEmail, string Subject, string Body, byte[]? Secret = null);

/// <summary>One message of the delivery log, without its secret.</summary>
public sealed record NotificationEntry(
    long Id, string AssemblyId, string ParticipantId, string Kind, string Language, string RecipientName, string RecipientEmail,
    string Subject, string Body, bool HoldsSecret, NotificationStatus Status, int Attempts, string LastError,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? SentAt);

/// <summary>One thing that happened to a message: queued, held, sent, failed (with the server's reason), re-sent.</summary>
public sealed record NotificationEvent(int Seq, DateTimeOffset At, string What, string Detail);

/// <summary>Which messages to list; null fields do not filter. Recipient matches part of the name or address, any case.</summary>
public sealed record NotificationQuery(string? AssemblyId = null, NotificationStatus? Status = null, string? Kind = null, string? Recipient = null);

/// <summary>
/// The delivery log of e-mail notifications: each message queued once per event, its status, and every attempt.
/// The same SQL runs on both engines; the subclasses give the writer's turn and a substring test.
/// </summary>
public abstract class NotificationLog(IDbConnectionFactory connections, TimeProvider clock) : IAsyncDisposable
{
    private const string Columns = """
        id, assembly_id, participant_id, kind, language, recipient_name, recipient_email, subject, body,
        secret IS NOT NULL, status, attempts, last_error, created_at, updated_at, sent_at
        """;

    private GroupCommit<(NotificationDraft Draft, NotificationStatus Status), long?>? queue;

    /// <summary>
    /// Queues the message unless its event was queued before; returns its id, or null when it was already there.
    /// Messages queued at the same time share one transaction (group commit): a registration desk's burst costs one
    /// fsync, not one per message.
    /// </summary>
    public Task<long?> QueueAsync(NotificationDraft draft, NotificationStatus status) =>
        LazyInitializer.EnsureInitialized(ref queue, () => new(WriteQueuedAsync, 256, "delivery log")).EnqueueAsync((draft, status));

    // One INSERT for the batch's messages and one for their first events: two round trips per transaction, whatever
    // the batch's size (PostgreSQL would otherwise pay two per message).
    private async Task<IReadOnlyList<long?>> WriteQueuedAsync(IReadOnlyList<(NotificationDraft Draft, NotificationStatus Status)> batch)
    {
        var now = Now();
        using var turn = await WriterTurnAsync(CancellationToken.None);
        await using var connection = await connections.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var inserted = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var insert = Sql.Command(connection, transaction, "", ("@now", now)))
        {
            var rows = new StringBuilder();
            for (var i = 0; i < batch.Count; i++)
            {
                var (draft, status) = batch[i];
                rows.Append(i == 0 ? "" : ", ").Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"(@key{i}, @assembly{i}, @participant{i}, @kind{i}, @language{i}, @name{i}, @email{i}, @subject{i}, @body{i}, @secret{i}, @status{i}, @now, @now)");
                foreach (var (name, value) in new (string, object)[]
                {
                    ("key", draft.DedupeKey), ("assembly", draft.AssemblyId), ("participant", draft.ParticipantId), ("kind", draft.Kind),
                    ("language", draft.Language), ("name", draft.RecipientName), ("email", draft.RecipientEmail), ("subject", draft.Subject),
                    ("body", draft.Body), ("secret", (object?)draft.Secret ?? DBNull.Value), ("status", Name(status)),
                })
                    Sql.AddParameter(insert, $"@{name}{i}", value);
            }
            insert.CommandText = $"""
                INSERT INTO notification (dedupe_key, assembly_id, participant_id, kind, language, recipient_name, recipient_email,
                                          subject, body, secret, status, created_at, updated_at)
                VALUES {rows}
                ON CONFLICT (dedupe_key) DO NOTHING
                RETURNING id, dedupe_key
                """;
            await using var reader = await insert.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                inserted[reader.GetString(1)] = reader.GetInt64(0);
        }
        // A key queued twice in one batch is one message: the first caller gets its id, a repeat gets null.
        var ids = new List<long?>(batch.Count);
        var events = new List<(long Id, NotificationStatus Status)>();
        foreach (var (draft, status) in batch)
        {
            if (inserted.Remove(draft.DedupeKey, out var id))
            {
                ids.Add(id);
                events.Add((id, status));
            }
            else
            {
                ids.Add(null);
            }
        }
        if (events.Count > 0)
        {
            await using var addEvents = Sql.Command(connection, transaction, "", ("@now", now),
                ("@queued", "queued"), ("@held", "held"), ("@none", ""), ("@holdReason", "No mail server is configured: pass this message on by hand."));
            var rows = new StringBuilder();
            for (var i = 0; i < events.Count; i++)
            {
                var held = events[i].Status == NotificationStatus.Held;
                rows.Append(i == 0 ? "" : ", ").Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"(@id{i}, 1, @now, {(held ? "@held" : "@queued")}, {(held ? "@holdReason" : "@none")})");
                Sql.AddParameter(addEvents, $"@id{i}", events[i].Id);
            }
            addEvents.CommandText = $"INSERT INTO notification_event (notification_id, seq, at, what, detail) VALUES {rows}";
            await addEvents.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        if (queue is not null)
            await queue.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>The message, or null for an unknown id.</summary>
    public async Task<NotificationEntry?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = Sql.Command(connection, null, $"SELECT {Columns} FROM notification WHERE id = @id", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>The encrypted secret the message still holds (null once sent, or when it never had one).</summary>
    public async Task<byte[]?> GetSecretAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = Sql.Command(connection, null, "SELECT secret FROM notification WHERE id = @id", ("@id", id));
        return await command.ExecuteScalarAsync(ct) as byte[];
    }

    /// <summary>What happened to the message, oldest first.</summary>
    public async Task<IReadOnlyList<NotificationEvent>> EventsAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = Sql.Command(connection, null,
            "SELECT seq, at, what, detail FROM notification_event WHERE notification_id = @id ORDER BY seq", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var events = new List<NotificationEvent>();
        while (await reader.ReadAsync(ct))
            events.Add(new(reader.GetInt32(0), FromMs(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3)));
        return events;
    }

    /// <summary>Up to <paramref name="limit"/> messages with id below <paramref name="beforeId"/> (null: from the newest), newest first.</summary>
    public async Task<IReadOnlyList<NotificationEntry>> ListAsync(NotificationQuery query, long? beforeId, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        // Assembled from fixed fragments only; every value is a parameter.
        var where = new StringBuilder("id < @before");
        Sql.AddParameter(command, "@before", beforeId ?? long.MaxValue);
        if (!string.IsNullOrEmpty(query.AssemblyId))
        {
            where.Append(" AND assembly_id = @assembly");
            Sql.AddParameter(command, "@assembly", query.AssemblyId);
        }
        if (query.Status is { } status)
        {
            where.Append(" AND status = @status");
            Sql.AddParameter(command, "@status", Name(status));
        }
        if (!string.IsNullOrEmpty(query.Kind))
        {
            where.Append(" AND kind = @kind");
            Sql.AddParameter(command, "@kind", query.Kind);
        }
        if (!string.IsNullOrWhiteSpace(query.Recipient))
        {
            where.Append($" AND ({Contains("lower(recipient_name)", "@recipient")} OR {Contains("lower(recipient_email)", "@recipient")})");
            Sql.AddParameter(command, "@recipient", query.Recipient.Trim().ToLowerInvariant());
        }
        command.CommandText = $"SELECT {Columns} FROM notification WHERE {where} ORDER BY id DESC LIMIT {limit}";
        await using var reader = await command.ExecuteReaderAsync(ct);
        var entries = new List<NotificationEntry>();
        while (await reader.ReadAsync(ct))
            entries.Add(Read(reader));
        return entries;
    }

    /// <summary>Messages queued (or re-sent) before <paramref name="before"/> and still waiting, oldest first.</summary>
    public async Task<IReadOnlyList<long>> WaitingSinceAsync(DateTimeOffset before, int limit, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = Sql.Command(connection, null,
            $"SELECT id FROM notification WHERE status = 'queued' AND updated_at < @before ORDER BY id LIMIT {limit}",
            ("@before", before.ToUnixTimeMilliseconds()));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<long>();
        while (await reader.ReadAsync(ct))
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    /// <summary>Records a delivery the mail server accepted: sent, and the secret erased.</summary>
    public Task RecordSentAsync(long id, string detail, CancellationToken ct = default) =>
        ChangeAsync(id, """
            UPDATE notification SET status = 'sent', attempts = attempts + 1, last_error = '', secret = NULL, sent_at = @now, updated_at = @now
            WHERE id = @id
            """, "sent", detail, ct);

    /// <summary>Records a failed attempt with the server's reason; the message stays due for a retry.</summary>
    public Task RecordFailedAsync(long id, string reason, CancellationToken ct = default) =>
        ChangeAsync(id, """
            UPDATE notification SET status = 'failed', attempts = attempts + 1, last_error = @detail, updated_at = @now WHERE id = @id
            """, "failed", reason, ct);

    /// <summary>Marks the message held for the secretariat to pass on by hand (no mail server configured).</summary>
    public Task RecordHeldAsync(long id, CancellationToken ct = default) =>
        ChangeAsync(id, "UPDATE notification SET status = 'held', updated_at = @now WHERE id = @id AND status <> 'sent'",
            "held", "No mail server is configured: pass this message on by hand.", ct);

    /// <summary>Queues the message again (re-send), noting who asked; false for an unknown id.</summary>
    public Task<bool> RequeueAsync(long id, string actor, CancellationToken ct = default) =>
        ChangeAsync(id, "UPDATE notification SET status = 'queued', updated_at = @now WHERE id = @id", "re-sent", $"by {actor}", ct);

    /// <summary>The process's turn to write (SQLite takes one writer at a time); PostgreSQL needs none.</summary>
    protected abstract ValueTask<IDisposable?> WriterTurnAsync(CancellationToken ct);

    /// <summary>A condition that <paramref name="column"/> contains the text of <paramref name="parameter"/>, taken literally.</summary>
    protected abstract string Contains(string column, string parameter);

    private async Task<bool> ChangeAsync(long id, string update, string what, string detail, CancellationToken ct)
    {
        var now = Now();
        using var turn = await WriterTurnAsync(ct);
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var command = Sql.Command(connection, transaction, update, ("@id", id), ("@now", now)))
        {
            if (update.Contains("@detail", StringComparison.Ordinal))
                Sql.AddParameter(command, "@detail", detail);
            if (await command.ExecuteNonQueryAsync(ct) == 0)
                return false;
        }
        await AddEventAsync(connection, transaction, id, now, what, detail, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    private static async Task AddEventAsync(DbConnection connection, DbTransaction transaction, long id, long now, string what, string detail, CancellationToken ct)
    {
        await using var command = Sql.Command(connection, transaction, """
            INSERT INTO notification_event (notification_id, seq, at, what, detail)
            SELECT @id, COALESCE(MAX(seq), 0) + 1, @now, @what, @detail FROM notification_event WHERE notification_id = @id
            """, ("@id", id), ("@now", now), ("@what", what), ("@detail", detail));
        await command.ExecuteNonQueryAsync(ct);
    }

    private static NotificationEntry Read(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        r.GetString(7), r.GetString(8), r.GetBoolean(9), Parse(r.GetString(10)), r.GetInt32(11), r.GetString(12),
        FromMs(r.GetInt64(13)), FromMs(r.GetInt64(14)), r.IsDBNull(15) ? null : FromMs(r.GetInt64(15)));

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static string Name(NotificationStatus status) => status.ToString().ToLowerInvariant();

    private static NotificationStatus Parse(string status) => Enum.Parse<NotificationStatus>(status, ignoreCase: true);
}
