using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Storage.Tests;

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresStorageTests(PostgresCluster cluster) : ChangeOutboxTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgresAsync(cluster);

    // Orleans' clustering (membership) exists on PostgreSQL only.
    protected override IReadOnlyList<(int Version, string Name)> ExpectedScripts =>
        [.. base.ExpectedScripts.Concat<(int Version, string Name)>([(12, "orleans-clustering"), (17, "drop-node-lease")]).OrderBy(s => s.Version)];

    protected override IReadOnlyList<string> OrleansTables => [.. base.OrleansTables, "OrleansMembershipTable", "OrleansMembershipVersionTable"];

    protected override IReadOnlyList<string> OrleansQueryKeys =>
        [.. base.OrleansQueryKeys, "DeleteStorageKey", "InsertMembershipKey", "UpdateMembershipKey", "MembershipReadAllKey", "GatewaysQueryKey"];

    // Unquoted identifiers such as OrleansStorage are folded to lower case by PostgreSQL.
    protected override string CountTablesSql => "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = lower(@name)";

    [Fact]
    public void Storage_info_names_the_engine_the_server_and_the_database()
    {
        var info = Services.GetRequiredService<StorageInfo>();

        Assert.Equal(StorageProvider.Postgres, info.Provider);
        Assert.Matches(@"^PostgreSQL 127\.0\.0\.1:\d+/test_\d+$", info.ToString());
    }
}
