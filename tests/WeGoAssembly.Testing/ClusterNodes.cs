namespace WeGoAssembly.Testing;

/// <summary>
/// Several server processes on one PostgreSQL database, each with its own ports and silo port: one Orleans cluster.
/// Started one after the other (the first applies the schema); each logs where a ballot activates, so a test can kill
/// the node that holds its ballot. Disposing kills them all.
/// </summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    private ClusterNodes(IReadOnlyList<ServerProcess> nodes) => Nodes = nodes;

    public IReadOnlyList<ServerProcess> Nodes { get; }

    public static async Task<ClusterNodes> StartAsync(TestDatabase database, int count)
    {
        var nodes = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var settings = new Dictionary<string, string?>(database.ServerSettings)
                {
                    ["Logging:LogLevel:WeGoAssembly.Grains.Voting.BallotGrain"] = "Information",
                };
                nodes.Add(await ServerProcess.StartAsync(settings));
            }
            return new ClusterNodes(nodes);
        }
        catch
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>The node where <paramref name="ballotId"/> activated last (from its log).</summary>
    public ServerProcess HoldingBallot(string ballotId) =>
        Nodes.Where(n => n.IsRunning).SingleOrDefault(n => n.Output.Contains($"Ballot {ballotId} activated", StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"No running node logged the activation of ballot {ballotId}.");

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
            await node.DisposeAsync();
    }
}
