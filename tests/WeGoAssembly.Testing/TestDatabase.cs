using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Storage;

namespace WeGoAssembly.Testing;

/// <summary>
/// A fresh, empty database of one engine for one test. Suites that must hold on both engines are
/// written once against this type and run by a subclass per engine.
/// </summary>
public abstract class TestDatabase : IAsyncDisposable
{
    private readonly List<ServiceProvider> providers = [];

    public abstract StorageProvider Provider { get; }

    /// <summary>A new empty SQLite file.</summary>
    public static TestDatabase Sqlite() => new SqliteTestDatabase();

    /// <summary>A new empty database on the shared cluster.</summary>
    public static async Task<TestDatabase> PostgresAsync(PostgresCluster cluster) =>
        new PostgresTestDatabase(await cluster.CreateDatabaseAsync());

    /// <summary>Registers this database's storage (AddSqliteStorage or AddPostgresStorage).</summary>
    public abstract IServiceCollection AddStorage(IServiceCollection services);

    /// <summary>The server configuration that points a server (<see cref="ServerProcess"/>) at this database.</summary>
    public abstract IReadOnlyDictionary<string, string?> ServerSettings { get; }

    /// <summary>
    /// A service provider with this database's storage and whatever <paramref name="configure"/> adds,
    /// with the schema applied when <paramref name="applySchema"/>; disposed with this database.
    /// Call it twice for two independent processes on the same database.
    /// </summary>
    public async Task<ServiceProvider> CreateServicesAsync(Action<IServiceCollection>? configure = null, bool applySchema = true)
    {
        var services = AddStorage(new ServiceCollection());
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        providers.Add(provider);
        if (applySchema)
            await provider.ApplyStorageSchemaAsync();
        return provider;
    }

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var provider in providers)
            await provider.DisposeAsync();
        providers.Clear();
        GC.SuppressFinalize(this);
    }

    private sealed class SqliteTestDatabase : TestDatabase
    {
        private readonly TempSqliteFile file = new();

        public override StorageProvider Provider => StorageProvider.Sqlite;

        public string Path => file.Path;

        public override IServiceCollection AddStorage(IServiceCollection services) => services.AddSqliteStorage(file.Path);

        public override IReadOnlyDictionary<string, string?> ServerSettings => new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path };

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            file.Dispose();
        }
    }

    private sealed class PostgresTestDatabase(string connectionString) : TestDatabase
    {
        public override StorageProvider Provider => StorageProvider.Postgres;

        public override IServiceCollection AddStorage(IServiceCollection services) => services.AddPostgresStorage(connectionString);

        public override IReadOnlyDictionary<string, string?> ServerSettings => new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = connectionString };
    }
}
