using System.Net;
using System.Net.Sockets;
using Orleans.Configuration;
using WeGoAssembly.Grains.Storage;
using WeGoAssembly.Storage;

namespace WeGoAssembly.Server.Hosting;

/// <summary>The Orleans silo co-hosted in the server: clustering, grain storage, activation lifetime.</summary>
public static class OrleansSilo
{
    /// <summary>Stored with every grain state row: the service's name, the same on every node and across restarts.</summary>
    public const string ServiceId = "wegoassembly";

    /// <summary>
    /// One silo on loopback (localhost clustering), its grain state in Orleans' ADO.NET table of the storage database:
    /// SQLite through Microsoft.Data.Sqlite (Orleans' invariant "System.Data.SQLite" maps to it), or PostgreSQL
    /// (invariant "Npgsql"). The tables come from our migrator (deploy/sql/orleans), applied before the silo starts.
    /// Grain state is JSON (<see cref="JsonGrainStorageSerializer"/>).
    /// </summary>
    public static WebApplicationBuilder AddOrleansSilo(this WebApplicationBuilder builder, WeGoOptions options)
    {
        var postgres = options.PostgresConnectionString.Length > 0;
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(
                siloPort: options.SiloPort == 0 ? FreeLoopbackPort() : options.SiloPort,
                // No gateway: no Orleans client connects from outside; the server's own calls are in-process.
                gatewayPort: 0,
                serviceId: ServiceId,
                clusterId: ServiceId);
            silo.AddAdoNetGrainStorageAsDefault(storage =>
            {
                storage.Invariant = postgres ? "Npgsql" : "System.Data.SQLite";
                storage.ConnectionString = postgres ? options.PostgresConnectionString : SqliteConnectionString(options.SqlitePath);
                storage.GrainStorageSerializer = new JsonGrainStorageSerializer();
            });
            silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = options.GrainIdleTimeout);
        });
        return builder;
    }

    // The storage's own connection string for the file (WAL, full synchronous commits are set per connection there;
    // Orleans' connections get the file's WAL mode and SQLite's default synchronous FULL).
    private static string SqliteConnectionString(string path) => new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
    {
        DataSource = Path.GetFullPath(path),
        Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
