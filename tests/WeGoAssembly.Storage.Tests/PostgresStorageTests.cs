using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Storage.Tests;

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresStorageTests(PostgresCluster cluster) : GrainStorageTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgresAsync(cluster);

    // The node lease of the hot standby exists on PostgreSQL only.
    protected override IReadOnlyList<string> ScriptNames => [.. base.ScriptNames, "node-lease"];

    [Fact]
    public async Task Journal_cannot_be_truncated()
    {
        var connections = Services.GetRequiredService<IDbConnectionFactory>();

        var truncate = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => ExecuteAsync(connections, "TRUNCATE grain_journal"));

        Assert.Contains("append-only", truncate.Message);
    }

    [Fact]
    public void Storage_info_names_the_engine_the_server_and_the_database()
    {
        var info = Services.GetRequiredService<StorageInfo>();

        Assert.Equal(StorageProvider.Postgres, info.Provider);
        Assert.Matches(@"^PostgreSQL 127\.0\.0\.1:\d+/test_\d+$", info.ToString());
    }
}
