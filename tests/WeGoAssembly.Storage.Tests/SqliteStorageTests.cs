using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Runtime;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Storage.Tests;

public sealed class SqliteStorageTests : GrainStorageTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());

    [Fact]
    public async Task An_acknowledged_write_is_read_back_after_reopening_the_file()
    {
        var grain = new GrainId("member-city", "seoul");
        var etag = await Services.GetRequiredService<IGrainStorage>().WriteAsync(grain, "profile", null, """{"name":"Seoul"}""", default);
        await Services.DisposeAsync(); // closes every pooled connection to the file

        var reopened = await Database.CreateServicesAsync();
        var stored = await reopened.GetRequiredService<IGrainStorage>().ReadAsync(grain, "profile", default);

        Assert.Equal(etag, stored?.Etag);
        Assert.Equal("Seoul", Name(stored!.Json));
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
