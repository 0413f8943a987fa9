using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Voting;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Grains.Tests.Voting;

/// <summary>Live-stream notices through Orleans grain observers: a watcher on any silo hears a change of a grain on any silo.</summary>
public sealed class ChangeFeedTests : IAsyncLifetime
{
    private const string Secretariat = "staff:secretariat";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TestDatabase database = TestDatabase.Sqlite();
    private GrainCluster cluster = null!;

    public async Task InitializeAsync()
    {
        cluster = await GrainCluster.StartAsync(database, silos: 2);
        foreach (var id in new[] { "seoul", "busan", "tokyo" })
            await cluster.Grains.GetGrain<IMemberCityGrain>(id).UpsertAsync(
                new MemberCity(id, $"City {id}", "", "KR", MemberCategory.Full, 2022, MemberStatus.Active, false, default), Secretariat);
        await cluster.Grains.GetGrain<IAssemblyGrain>("ga-2023").CreateAsync(new Assembly("ga-2023", "GA", "Seoul", 2023, "Asia/Seoul", null, null,
            AssemblyRules.Default with { ProxiesAllowed = true, MaxProxiesPerHolder = 1, ProxiesCountForQuorum = true }, false, default), Secretariat);
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Watchers_on_both_silos_hear_a_quorum_change_wherever_the_assembly_grain_runs()
    {
        var topic = VotingHub.QuorumTopic("ga-2023");
        var hubs = cluster.AllSiloServices.Select(s => s.GetRequiredService<VotingHub>()).ToArray();
        Assert.Equal(2, hubs.Length);
        Assert.NotSame(hubs[0], hubs[1]);
        var watches = hubs.Select(h => h.Subscribe(topic)).ToArray();
        try
        {
            // Each hub moves the topic on once it is listening (so its watchers read the state as of then).
            await WaitUntilAsync(() => hubs.All(h => h.Version(topic) > 0));
            var before = hubs.Select(h => h.Version(topic)).ToArray();

            await cluster.Grains.GetGrain<IAssemblyGrain>("ga-2023").RecordProxyAsync("busan", "seoul", "", Secretariat);

            await WaitUntilAsync(() => hubs.Select((h, i) => h.Version(topic) > before[i]).All(moved => moved));
        }
        finally
        {
            foreach (var watch in watches)
                watch.Dispose();
        }
        Assert.All(hubs, h => Assert.Equal(0, h.Watchers(topic)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the change did not reach every silo's hub in time");
            await Task.Delay(20);
        }
    }
}
