using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Storage.Postgres;
using WeGoAssembly.Storage.Voting;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Storage.Tests;

/// <summary>
/// The node lease on a real PostgreSQL database, with two service providers on one database standing
/// for two nodes: taking, renewing, expiring, takeover, release, and the fence on every kind of write
/// (the change outbox's commit and the vote ledger; grain state is Orleans').
/// Expiry is arranged by moving expires_at into the past, not by waiting.
/// </summary>
[Collection(Testing.PostgresCollection.Name)]
public sealed class NodeLeaseTests(PostgresCluster cluster) : IAsyncLifetime
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(1);

    private TestDatabase database = null!;
    private ServiceProvider nodeA = null!, nodeB = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.PostgresAsync(cluster);
        nodeA = await database.CreateServicesAsync(services => services.AddBallotLedger());
        nodeB = await database.CreateServicesAsync(services => services.AddBallotLedger());
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    private static NodeLease Lease(ServiceProvider node) => node.GetRequiredService<NodeLease>();

    private static IChangeOutbox Outbox(ServiceProvider node) => node.GetRequiredService<IChangeOutbox>();

    private static IProjectionReader Projections(ServiceProvider node) => node.GetRequiredService<IProjectionReader>();

    [Fact]
    public async Task A_free_lease_is_taken_with_epoch_1_and_expires_after_its_ttl_by_the_database_clock()
    {
        Assert.True(await Lease(nodeA).TryTakeAsync("node-a", Ttl, default));

        Assert.Equal(1, Lease(nodeA).Epoch);
        var state = await Lease(nodeA).ReadAsync(default);
        Assert.Equal("node-a", state.Holder);
        Assert.Equal(1, state.Epoch);
        Assert.InRange(state.ExpiresIn, TimeSpan.FromSeconds(50), Ttl);
    }

    [Fact]
    public async Task A_held_lease_is_refused_to_another_node_and_renewal_keeps_it()
    {
        await Lease(nodeA).TryTakeAsync("node-a", TimeSpan.FromSeconds(30), default);

        Assert.False(await Lease(nodeB).TryTakeAsync("node-b", Ttl, default));
        Assert.True(await Lease(nodeA).RenewAsync(Ttl, default));

        Assert.InRange((await Lease(nodeA).ReadAsync(default)).ExpiresIn, TimeSpan.FromSeconds(50), Ttl);
        Assert.Equal(0, Lease(nodeB).Epoch);
        Assert.False(Lease(nodeA).Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_with_the_next_epoch_and_the_old_holder_learns_it_lost()
    {
        await Lease(nodeA).TryTakeAsync("node-a", Ttl, default);
        await ExpireAsync();

        Assert.True(await Lease(nodeB).TryTakeAsync("node-b", Ttl, default));

        Assert.Equal(2, Lease(nodeB).Epoch);
        Assert.Equal("node-b", (await Lease(nodeB).ReadAsync(default)).Holder);
        Assert.False(await Lease(nodeA).RenewAsync(Ttl, default));
        Assert.True(Lease(nodeA).Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task A_released_lease_is_taken_at_once()
    {
        await Lease(nodeA).TryTakeAsync("node-a", Ttl, default);

        await Lease(nodeA).ReleaseAsync(default);

        Assert.True(await Lease(nodeB).TryTakeAsync("node-b", Ttl, default));
        Assert.Equal(2, Lease(nodeB).Epoch);
    }

    [Fact]
    public async Task A_node_restarted_under_the_same_id_takes_its_lease_back_at_once_and_fences_its_old_process()
    {
        await Lease(nodeA).TryTakeAsync("node-a", Ttl, default);

        Assert.True(await Lease(nodeB).TryTakeAsync("node-a", Ttl, default));

        Assert.Equal(2, Lease(nodeB).Epoch);
        await Assert.ThrowsAsync<NodeLeaseLostException>(() =>
            Outbox(nodeA).CommitAsync("member-city", "seoul", [Audit("e1", "member-city.created")], Projection(1, """{"name":"Seoul"}"""), releaseMark: true));
        Assert.Equal(0, await CountAsync("audit_event"));
        Assert.Equal(0, await CountAsync("projection"));
    }

    [Fact]
    public async Task The_holder_commits_changes_and_writes_votes()
    {
        await Lease(nodeA).TryTakeAsync("node-a", Ttl, default);

        await Outbox(nodeA).MarkAsync("member-city", "seoul");
        await Outbox(nodeA).CommitAsync("member-city", "seoul", [Audit("e1", "member-city.created")], Projection(1, """{"name":"Seoul"}"""), releaseMark: true);
        await Outbox(nodeA).CommitAsync("member-city", "seoul", [Audit("e2", "member-city.updated")], Projection(2, """{"name":"Seoul Metropolitan"}"""), releaseMark: true);
        await nodeA.GetRequiredService<IBallotLedger>().AppendAsync(Vote("seoul"));

        Assert.Equal([("seoul", """{"name":"Seoul Metropolitan"}""")], await Projections(nodeB).ReadPageAsync("member-city", null, 10, default));
        Assert.Equal(["member-city.updated", "member-city.created"],
            (await nodeB.GetRequiredService<AuditLog>().ListAsync(new AuditQuery(), null, 10)).Select(e => e.Action));
        Assert.Empty(await Outbox(nodeB).MarkedAsync(default));
        Assert.Single((await nodeB.GetRequiredService<IBallotLedger>().ReadAsync("ga-2023.ballot-1")).Voters);
    }

    [Fact]
    public async Task After_a_takeover_every_write_of_the_old_epoch_is_refused_and_nothing_of_it_is_stored()
    {
        await Lease(nodeA).TryTakeAsync("node-a", Ttl, default);
        await Outbox(nodeA).CommitAsync("member-city", "seoul", [Audit("e1", "member-city.created")], Projection(1, """{"name":"Seoul"}"""), releaseMark: true);
        // Node A marks its next change, stores the grain state (Orleans), then pauses past its lease.
        await Outbox(nodeA).MarkAsync("member-city", "seoul");
        await ExpireAsync();
        await Lease(nodeB).TryTakeAsync("node-b", Ttl, default);
        PendingAudit update = Audit("e2", "member-city.updated");

        var commit = await Assert.ThrowsAsync<NodeLeaseLostException>(() =>
            Outbox(nodeA).CommitAsync("member-city", "seoul", [update], Projection(2, """{"name":"stale"}"""), releaseMark: true));
        var vote = await Assert.ThrowsAsync<LedgerUnavailableException>(() => nodeA.GetRequiredService<IBallotLedger>().AppendAsync(Vote("seoul")));

        Assert.Contains("lost its lease", commit.Message);
        Assert.Equal(commit.Message, vote.Message);
        Assert.True(Lease(nodeA).Lost.IsCancellationRequested);
        Assert.Equal([("seoul", """{"name":"Seoul"}""")], await Projections(nodeB).ReadPageAsync("member-city", null, 10, default));
        Assert.Equal(["member-city.created"], (await nodeB.GetRequiredService<AuditLog>().ListAsync(new AuditQuery(), null, 10)).Select(e => e.Action));
        Assert.Empty((await nodeB.GetRequiredService<IBallotLedger>().ReadAsync("ga-2023.ballot-1")).Voters);
        // The mark stays, so the new holder's start-up sweep replays the change, and it commits.
        Assert.Equal([new MarkedGrain("member-city", "seoul")], await Outbox(nodeB).MarkedAsync(default));
        await Outbox(nodeB).CommitAsync("member-city", "seoul", [update], Projection(2, """{"name":"Seoul Metropolitan"}"""), releaseMark: true);
        Assert.Equal([("seoul", """{"name":"Seoul Metropolitan"}""")], await Projections(nodeB).ReadPageAsync("member-city", null, 10, default));
        Assert.Equal(2, await CountAsync("audit_event"));
        Assert.Empty(await Outbox(nodeB).MarkedAsync(default));
    }

    [Fact]
    public async Task A_takeover_waits_for_a_write_in_flight_which_the_new_holder_then_sees()
    {
        await Lease(nodeA).TryTakeAsync("node-a", Ttl, default);
        // A write transaction of node A, stopped after its fence: it holds the lease lock shared.
        await using var inFlight = await nodeA.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var transaction = await inFlight.BeginTransactionAsync();
        await ExecuteAsync(inFlight, transaction, $"CALL node_lease_fence({Lease(nodeA).Epoch})");
        await ExpireAsync();

        var takeover = Lease(nodeB).TryTakeAsync("node-b", Ttl, default);
        await WaitUntilAsync(async () => await CountAsync(
            "pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") == 1);
        Assert.False(takeover.IsCompleted);
        await ExecuteAsync(inFlight, transaction, """
            INSERT INTO projection (kind, key, version, json) VALUES ('member-city', 'busan', 1, '{"name":"Busan"}')
            """);
        await transaction.CommitAsync();

        Assert.True(await takeover);
        Assert.Equal(["busan"], (await Projections(nodeB).ReadPageAsync("member-city", null, 10, default)).Select(r => r.Key));
    }

    private static PendingAudit Audit(string id, string action) =>
        new(id, DateTimeOffset.UtcNow, new AuditRecord("test", action, "member-city/seoul", "{}"));

    private static ProjectionRow Projection(long version, string json) => new("member-city", "seoul", version, json);

    private static LedgerVote Vote(string member) =>
        new("ga-2023.ballot-1", member, $"key-{member}", $"receipt-{member}", $"participant:p-{member}", null, ["yes"]);

    // Time passing beyond the ttl, without waiting for it.
    private Task ExpireAsync() =>
        ExecuteAsync("UPDATE node_lease SET expires_at = clock_timestamp() - interval '1 second'");

    private async Task ExecuteAsync(string sql)
    {
        await using var command = nodeB.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string from)
    {
        await using var command = nodeB.GetRequiredService<NpgsqlDataSource>().CreateCommand($"SELECT count(*) FROM {from}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(20);
        }
    }
}
