using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;
using WeGoAssembly.Grains.Storage;
using WeGoAssembly.Storage;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Grains.Tests;

/// <summary>
/// A one-silo Orleans cluster (Microsoft.Orleans.TestingHost) on a test database, its grain state in Orleans' ADO.NET
/// table there, with the domain grains' services. Tests call the grains through the cluster's client, so every
/// argument, result and exception crosses a real serialization boundary.
/// </summary>
public sealed class GrainCluster : IAsyncDisposable
{
    private const string Engine = "WeGo:Engine", ConnectionString = "WeGo:ConnectionString";
    private readonly TestCluster cluster;

    private GrainCluster(TestCluster cluster) => this.cluster = cluster;

    /// <summary>Grain references through the cluster client.</summary>
    public IGrainFactory Grains => cluster.Client;

    /// <summary>The first silo's services (read models such as the member register).</summary>
    public IServiceProvider SiloServices => ((InProcessSiloHandle)cluster.Primary!).SiloHost.Services;

    /// <summary>Every silo's services, in start order.</summary>
    public IReadOnlyList<IServiceProvider> AllSiloServices => [.. cluster.Silos.Select(s => ((InProcessSiloHandle)s).SiloHost.Services)];

    /// <summary>Starts <paramref name="silos"/> silos on <paramref name="database"/> after applying the schema (ours and Orleans').</summary>
    public static async Task<GrainCluster> StartAsync(TestDatabase database, short silos = 1)
    {
        await database.CreateServicesAsync();   // applies the schema
        var builder = new TestClusterBuilder(silos);
        builder.Properties[Engine] = database.Provider.ToString();
        builder.Properties[ConnectionString] = database.ServerSettings.Values.Single()!;
        builder.AddSiloBuilderConfigurator<DatabaseSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new GrainCluster(cluster);
    }

    /// <summary>Deactivates every grain, so the next calls activate them afresh from storage.</summary>
    public Task DeactivateAllAsync() => Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    public async ValueTask DisposeAsync()
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    private sealed class DatabaseSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var postgres = silo.Configuration[Engine] == nameof(StorageProvider.Postgres);
            var connection = silo.Configuration[ConnectionString]!;
            silo.AddAdoNetGrainStorageAsDefault(o =>
            {
                o.Invariant = postgres ? "Npgsql" : "System.Data.SQLite";
                o.ConnectionString = postgres ? connection : $"Data Source={connection}";
                o.GrainStorageSerializer = new GrainStateJsonSerializer();
            });
            silo.Services.AddSingleton(TimeProvider.System);
            if (postgres)
                silo.Services.AddPostgresStorage(connection);
            else
                silo.Services.AddSqliteStorage(connection);
            silo.Services.AddAssemblyGrains();
        }
    }
}
