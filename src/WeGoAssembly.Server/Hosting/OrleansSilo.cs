using System.Net;
using System.Net.Sockets;
using Npgsql;
using Orleans.Configuration;
using WeGoAssembly.Grains.Storage;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using WeGoAssembly.Storage;
using WeGoAssembly.Storage.Sqlite;

namespace WeGoAssembly.Server.Hosting;

/// <summary>The Orleans silo co-hosted in the server: clustering, grain storage, activation lifetime.</summary>
public static class OrleansSilo
{
    private const string AdoNetOnSqlite = "AdoNetSqlite";

    /// <summary>Stored with every grain state row: the service's name, the same on every node and across restarts.</summary>
    public const string ServiceId = "wegoassembly";

    /// <summary>
    /// Marks every other silo of the cluster dead in Orleans' membership table. Called by a node once it holds the node
    /// lease (so no other node serves): a silo killed with SIGKILL leaves its row Active, and a new silo would otherwise
    /// try to reach it before joining.
    /// </summary>
    public static async Task RetireOtherSilosAsync(NpgsqlDataSource database, CancellationToken ct)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE orleansmembershiptable SET status = 6 WHERE deploymentid = $1 AND status <> 6")
            { Parameters = { new() { Value = ServiceId } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE orleansmembershipversiontable SET version = version + 1, timestamp = now() WHERE deploymentid = $1")
            { Parameters = { new() { Value = ServiceId } } });
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// One silo on loopback (localhost clustering on SQLite, Orleans' ADO.NET clustering on PostgreSQL), its grain state in Orleans' ADO.NET table of the storage database:
    /// SQLite through Microsoft.Data.Sqlite (Orleans' invariant "System.Data.SQLite" maps to it), or PostgreSQL
    /// (invariant "Npgsql"). The tables come from our migrator (deploy/sql/orleans), applied before the silo starts.
    /// Grain state is JSON (<see cref="GrainStateJsonSerializer"/>).
    /// </summary>
    public static WebApplicationBuilder AddOrleansSilo(this WebApplicationBuilder builder, WeGoOptions options)
    {
        var postgres = options.PostgresConnectionString.Length > 0;
        builder.UseOrleans(silo =>
        {
            var siloPort = options.SiloPort == 0 ? FreeLoopbackPort() : options.SiloPort;
            if (postgres)
            {
                // Membership in Orleans' table on the database (script 012): the cluster issue adds nodes on it.
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = options.PostgresConnectionString;
                });
                silo.Configure<EndpointOptions>(o =>
                {
                    o.AdvertisedIPAddress = IPAddress.Loopback;
                    o.SiloPort = siloPort;
                    o.GatewayPort = 0;
                });
                silo.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (ServiceId, ServiceId));
            }
            else
            {
                silo.UseLocalhostClustering(
                    siloPort: siloPort,
                    // No gateway: no Orleans client connects from outside; the server's own calls are in-process.
                    gatewayPort: 0,
                    serviceId: ServiceId,
                    clusterId: ServiceId);
            }
            // On SQLite under its own name, wrapped as the default by SqliteGrainStorage (one writer at a time).
            silo.AddAdoNetGrainStorage(postgres ? ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME : AdoNetOnSqlite, storage =>
            {
                storage.Invariant = postgres ? "Npgsql" : "System.Data.SQLite";
                storage.ConnectionString = postgres ? options.PostgresConnectionString : SqliteConnectionFactory.ConnectionStringFor(options.SqlitePath);
                storage.GrainStorageSerializer = new GrainStateJsonSerializer();
            });
            if (!postgres)
                silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, static (sp, _) => new SqliteGrainStorage(
                    sp.GetRequiredKeyedService<IGrainStorage>(AdoNetOnSqlite), sp.GetRequiredService<SqliteConnectionFactory>()));
            silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = options.GrainIdleTimeout);
        });
        return builder;
    }


    // Below Linux's ephemeral range (32768-60999), where the ports the system hands out for "any free port" (Kestrel's,
    // other servers' in tests) come from: a port picked there could be taken by one of them before the silo binds it.
    private static int FreeLoopbackPort()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException) when (attempt < 100)
            {
                // taken: try another
            }
        }
    }
}
