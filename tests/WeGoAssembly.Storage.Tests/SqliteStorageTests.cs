using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Storage.Tests;

public sealed class SqliteStorageTests : ChangeOutboxTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());

    protected override string CountTablesSql => "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @name COLLATE NOCASE";

    [Fact]
    public async Task A_committed_change_is_read_back_after_reopening_the_file()
    {
        await Outbox.MarkAsync("member-city", "busan");
        await Outbox.CommitAsync("member-city", "seoul",
            [Entry("e1", DateTimeOffset.UtcNow, "member-city.created")], Projection("seoul", 1, "Seoul"), releaseMark: true);
        await Services.DisposeAsync(); // closes every pooled connection to the file

        var reopened = await Database.CreateServicesAsync();

        var rows = await reopened.GetRequiredService<IProjectionReader>().ReadPageAsync("member-city", null, 10, default);
        Assert.Equal(["Seoul"], rows.Select(r => Name(r.Json)));
        Assert.Equal(["member-city.created"], (await reopened.GetRequiredService<AuditLog>().ListAsync(new AuditQuery(), null, 10)).Select(e => e.Action));
        Assert.Equal([new MarkedGrain("member-city", "busan")], await reopened.GetRequiredService<IChangeOutbox>().MarkedAsync(default));
    }

    [Fact]
    public async Task Connections_use_write_ahead_logging_and_full_synchronous_commits()
    {
        var connections = Services.GetRequiredService<IDbConnectionFactory>();
        await using var connection = await connections.OpenAsync();
        await using var command = connection.CreateCommand();

        command.CommandText = "PRAGMA journal_mode";
        var journalMode = await command.ExecuteScalarAsync();
        command.CommandText = "PRAGMA synchronous";
        var synchronous = await command.ExecuteScalarAsync();

        Assert.Equal("wal", journalMode);
        Assert.Equal(2L, synchronous); // FULL
    }

    [Fact]
    public void Storage_info_names_the_engine_and_the_file()
    {
        var info = Services.GetRequiredService<StorageInfo>();

        Assert.Equal(StorageProvider.Sqlite, info.Provider);
        Assert.StartsWith("SQLite /", info.ToString());
        Assert.EndsWith(".db", info.ToString());
    }
}
