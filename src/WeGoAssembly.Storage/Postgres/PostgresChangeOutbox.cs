using System.Data.Common;
using static WeGoAssembly.Storage.Sql;

namespace WeGoAssembly.Storage.Postgres;

/// <summary>The change outbox in PostgreSQL, its commits behind the node lease's fence.</summary>
public sealed class PostgresChangeOutbox(PostgresConnectionFactory connections, NodeLease lease) : ChangeOutbox(connections)
{
    // While this process holds the lease, grain state writes (Orleans') are not fenced themselves: the mark before each is.
    public override bool FencesEveryChange => lease.Epoch > 0;

    protected override object TimeValue(DateTimeOffset time) => time.ToUniversalTime();

    protected override async Task FenceAsync(DbConnection connection, DbTransaction transaction)
    {
        if (lease.Epoch is var held and > 0)
        {
            await using var fence = Command(connection, transaction, "CALL node_lease_fence(@epoch)", ("@epoch", held));
            await lease.RunAsync(() => fence.ExecuteNonQueryAsync());
        }
    }
}
