using Orleans.Dashboard;
using System.Net;
using System.Net.Sockets;
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
    /// The node's silo. On SQLite one node alone (localhost clustering); on PostgreSQL a member of the cluster of every
    /// node on the database (Orleans' ADO.NET clustering, script 012), with the failure detection of <see cref="ClusterNodeOptions"/>.
    /// Grain state is in Orleans' ADO.NET table of the storage database: SQLite through Microsoft.Data.Sqlite (Orleans'
    /// invariant "System.Data.SQLite" maps to it), or PostgreSQL (invariant "Npgsql"). The tables come from our migrator
    /// (deploy/sql/orleans), applied before the silo starts. Grain state is JSON (<see cref="GrainStateJsonSerializer"/>).
    /// </summary>
    public static WebApplicationBuilder AddOrleansSilo(this WebApplicationBuilder builder, WeGoOptions options, ClusterNodeOptions cluster)
    {
        var postgres = options.PostgresConnectionString.Length > 0;
        builder.UseOrleans(silo =>
        {
            var siloPort = cluster.SiloPort == 0 ? FreeLoopbackPort() : cluster.SiloPort;
            if (postgres)
            {
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = options.PostgresConnectionString;
                });
                silo.Configure<EndpointOptions>(o =>
                {
                    o.AdvertisedIPAddress = cluster.AdvertisedAddress;
                    o.SiloPort = siloPort;
                    // No gateway: no Orleans client connects from outside; each node's own calls are in-process.
                    o.GatewayPort = 0;
                });
                silo.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (ServiceId, cluster.ClusterId));
                silo.Configure<ClusterMembershipOptions>(cluster.ConfigureMembership);
            }
            else
            {
                silo.UseLocalhostClustering(
                    siloPort: siloPort,
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
            // The live log view stays off: logs are the operators', read on the host.
            silo.AddDashboard(o => o.HideTrace = true);
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
