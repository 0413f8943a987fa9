using System.Data.Common;
using System.Reflection;
using Microsoft.Extensions.Logging;
using static WeGoAssembly.Storage.Sql;

namespace WeGoAssembly.Storage;

/// <summary>One versioned schema script, deploy/sql/&lt;database&gt;/NNN-name.sql.</summary>
public sealed record SchemaScript(int Version, string Name, string Sql);

/// <summary>A script recorded in the schema_version table.</summary>
public sealed record AppliedSchemaVersion(int Version, string Name, DateTimeOffset AppliedAt);

/// <summary>
/// Brings the database schema up to date at start-up: each script not yet recorded in schema_version
/// runs in its own transaction together with its record, under a lock that makes a second process
/// starting at the same time wait and then find the script applied.
/// </summary>
public abstract partial class SchemaMigrator(IDbConnectionFactory connections, string scriptFolder, ILogger logger)
{
    /// <summary>The scripts embedded in this assembly for this database, in version order.</summary>
    public IReadOnlyList<SchemaScript> Scripts { get; } = LoadScripts(scriptFolder);

    /// <summary>Applies the scripts not yet applied; returns their versions (empty when up to date).</summary>
    public async Task<IReadOnlyList<int>> ApplyAsync(CancellationToken ct = default)
    {
        var applied = new List<int>();
        await using var connection = await connections.OpenAsync(ct);
        foreach (var script in Scripts)
        {
            await using var transaction = await BeginExclusiveAsync(connection, ct);
            await ExecuteAsync(connection, transaction, CreateVersionTableSql, ct);
            if (await IsAppliedAsync(connection, transaction, script.Version, ct))
                continue;
            await ExecuteAsync(connection, transaction, script.Sql, ct);
            await using (var record = Command(connection, transaction, $"""
                INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, {NowSql})
                """))
            {
                AddParameter(record, "@version", script.Version);
                AddParameter(record, "@name", script.Name);
                await record.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
            applied.Add(script.Version);
            LogApplied(logger, script.Version, script.Name, connections.Info.ToString());
        }
        return applied;
    }

    /// <summary>The scripts recorded as applied, in version order.</summary>
    public async Task<IReadOnlyList<AppliedSchemaVersion>> GetAppliedAsync(CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await BeginExclusiveAsync(connection, ct);
        await ExecuteAsync(connection, transaction, CreateVersionTableSql, ct);
        var versions = new List<AppliedSchemaVersion>();
        await using (var command = Command(connection, transaction, "SELECT version, name, applied_at FROM schema_version ORDER BY version"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                versions.Add(new AppliedSchemaVersion(reader.GetInt32(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2).ToUniversalTime()));
        }
        await transaction.CommitAsync(ct);
        return versions;
    }

    /// <summary>Starts a transaction that holds the database's schema lock until it ends.</summary>
    protected abstract Task<DbTransaction> BeginExclusiveAsync(DbConnection connection, CancellationToken ct);

    protected abstract string CreateVersionTableSql { get; }

    /// <summary>SQL expression for the current UTC time.</summary>
    protected abstract string NowSql { get; }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<bool> IsAppliedAsync(DbConnection connection, DbTransaction transaction, int version, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, "SELECT COUNT(*) FROM schema_version WHERE version = @version");
        AddParameter(command, "@version", version);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }


    private static List<SchemaScript> LoadScripts(string folder)
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(folder + "/", StringComparison.Ordinal)))
        {
            // "postgres/001-grain-state.sql" → version 1, name "grain-state".
            var file = Path.GetFileNameWithoutExtension(resource[(folder.Length + 1)..]);
            var dash = file.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(file[..dash], System.Globalization.CultureInfo.InvariantCulture, out var version))
                throw new InvalidOperationException($"Schema script {resource} is not named NNN-name.sql.");
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            scripts.Add(new SchemaScript(version, file[(dash + 1)..], reader.ReadToEnd()));
        }
        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"Two schema scripts in {folder} have version {duplicate.Key}.");
        return [.. scripts.OrderBy(s => s.Version)];
    }

    [LoggerMessage(1, LogLevel.Information, "Applied schema script {Version} ({Name}) to {Storage}")]
    private static partial void LogApplied(ILogger logger, int version, string name, string storage);
}
