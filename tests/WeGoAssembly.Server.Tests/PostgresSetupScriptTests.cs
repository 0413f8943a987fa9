using Npgsql;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// deploy/postgres/setup.sh against a throwaway cluster, then the real node on what it made, with the
/// settings of deploy/wegoassembly.env.example: the app's own schema migration must succeed as that role.
/// </summary>
[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresSetupScriptTests(PostgresCluster cluster)
{
    private static readonly string Script = RepositoryFiles.PathOf("deploy", "postgres", "setup.sh");

    [Fact]
    public async Task The_script_makes_a_plain_login_role_owning_a_utf8_database_and_can_run_again()
    {
        var (database, role) = ($"wego_setup_{Guid.NewGuid():N}"[..24], $"wego_app_{Guid.NewGuid():N}"[..20]);

        var first = await RunSetupAsync(database, role, password: "first password, long enough");
        Assert.True(first.ExitCode == 0, first.ToString());
        var firstHash = await ScalarAsync<string>("SELECT rolpassword FROM pg_authid WHERE rolname = @p", role);
        var again = await RunSetupAsync(database, role, password: "second password, long enough");
        Assert.True(again.ExitCode == 0, again.ToString());

        Assert.True(await ScalarAsync<bool>("SELECT rolcanlogin AND NOT rolsuper AND NOT rolcreatedb AND NOT rolcreaterole FROM pg_roles WHERE rolname = @p", role));
        Assert.Equal(role, await ScalarAsync<string>("SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = @p", database));
        Assert.Equal("UTF8", await ScalarAsync<string>("SELECT pg_encoding_to_char(encoding)::text FROM pg_database WHERE datname = @p", database));
        Assert.False(await ScalarAsync<bool>("SELECT has_database_privilege('public', oid, 'CONNECT') FROM pg_database WHERE datname = @p", database));
        // Stored as a SCRAM verifier, never in clear; a second run sets the new password.
        Assert.StartsWith("SCRAM-SHA-256$", firstHash);
        Assert.NotEqual(firstHash, await ScalarAsync<string>("SELECT rolpassword FROM pg_authid WHERE rolname = @p", role));
    }

    [Fact]
    public async Task Without_a_password_or_a_terminal_the_script_stops_and_creates_nothing()
    {
        var role = $"wego_app_{Guid.NewGuid():N}"[..20];

        var run = await RunSetupAsync("wego_never", role, password: null);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("WEGO_DB_PASSWORD", run.Error);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM pg_roles WHERE rolname = @p", role));
    }

    [Fact]
    public async Task The_node_starts_with_the_example_configuration_on_the_database_the_script_made()
    {
        var (database, role, password) = ($"wego_node_{Guid.NewGuid():N}"[..24], $"wego_app_{Guid.NewGuid():N}"[..20], "a long password for the node");
        var setup = await RunSetupAsync(database, role, password);
        Assert.True(setup.ExitCode == 0, setup.ToString());
        var example = EnvironmentFile.Read(RepositoryFiles.PathOf("deploy", "wegoassembly.env.example")).ToConfiguration();
        // The example's connection string (its pool size too), pointed at the test cluster and the script's role.
        var connection = new NpgsqlConnectionStringBuilder(example["ConnectionStrings:Postgres"])
        {
            Host = "127.0.0.1", Port = cluster.Port, Database = database, Username = role, Password = password,
        };
        // The node's own ports (WeGoServer's free ones) instead of the example's.
        var settings = example.Where(s => !s.Key.StartsWith("Kestrel:", StringComparison.OrdinalIgnoreCase) && !s.Key.StartsWith("Cluster:", StringComparison.OrdinalIgnoreCase)).ToDictionary();
        settings["ConnectionStrings:Postgres"] = connection.ToString();

        await using var server = await WeGoServer.StartAsync(settings);
        var anonymous = server.Anonymous;
        var admin = new SampleApi(anonymous.Raw, await anonymous.SignIn(example["Auth:InitialAdmin:UserName"]!, example["Auth:InitialAdmin:Password"]!));

        // Sample data is off in production: the register starts empty.
        Assert.Empty((await admin.ListMemberCities(new() { PageSize = 10 })).MemberCities);
        Assert.Equal(role, await ScalarAsync<string>("SELECT tableowner::text FROM pg_tables WHERE tablename = 'schema_version' AND schemaname = 'public'", database, connectTo: database));
    }

    private Task<ToolRun> RunSetupAsync(string database, string role, string? password)
    {
        var environment = new Dictionary<string, string>
        {
            ["PGHOST"] = "127.0.0.1",
            ["PGPORT"] = $"{cluster.Port}",
            ["PGUSER"] = "postgres",
            ["WEGO_DB_NAME"] = database,
            ["WEGO_DB_USER"] = role,
        };
        if (password is not null)
            environment["WEGO_DB_PASSWORD"] = password;
        return ToolRun.RunAsync("bash", [Script], environment);
    }

    private async Task<T> ScalarAsync<T>(string sql, string parameter, string connectTo = "postgres")
    {
        var builder = new NpgsqlConnectionStringBuilder(cluster.AdminConnectionString) { Database = connectTo };
        await using var connection = new NpgsqlConnection(builder.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new("p", parameter) } };
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
