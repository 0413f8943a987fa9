using System.Diagnostics;
using WeGoAssembly.Testing;
using Xunit.Abstractions;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// @grpc/grpc-js, the reference gRPC client, against the real host on each database: runs the suites
/// in tests/interop with node's test runner — membership (sign-in, a call without a token, unary call,
/// non-ASCII error, server stream, deadline, paging), the accreditation workflow, and a watched ballot.
/// </summary>
public abstract class GrpcJsInteropTests(ITestOutputHelper output) : IAsyncLifetime
{
    private WeGoServer server = null!;

    /// <summary>Settings that point the host at a fresh, empty database.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => server = await WeGoServer.StartAsync(await FreshDatabaseAsync());

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    [Theory]
    [InlineData("membership.test.mjs", 6)]
    [InlineData("accreditation.test.mjs", 5)]
    [InlineData("voting.test.mjs", 2)]
    public async Task The_grpc_js_client_passes_the_interop_suite(string suite, int tests)
    {
        var interop = Path.Combine(RepositoryRoot(), "tests", "interop");
        Assert.True(Directory.Exists(Path.Combine(interop, "node_modules", "@grpc", "grpc-js")),
            "The interop packages are not installed: run `bash tests/run.sh` (it runs `npm install` in tests/interop).");

        var start = new ProcessStartInfo("node", ["--test", "--test-reporter=tap", suite])
        {
            WorkingDirectory = interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["WEGO_GRPC_TARGET"] = server.GrpcTarget,
                ["WEGO_USER_NAME"] = WeGoServer.AdminUserName,
                ["WEGO_PASSWORD"] = WeGoServer.AdminPassword,
                ["NO_COLOR"] = "1",
            },
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await node.WaitForExitAsync(timeout.Token);
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);

        Assert.True(node.ExitCode == 0, $"node --test exited with {node.ExitCode}:\n{await stdout}\n{await stderr}");
        Assert.Contains($"# pass {tests}", await stdout);
        Assert.Contains("# fail 0", await stdout);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WeGoAssembly.sln")))
                return dir.FullName;
        throw new InvalidOperationException("WeGoAssembly.sln not found above " + AppContext.BaseDirectory);
    }
}

public sealed class SqliteGrpcJsInteropTests(ITestOutputHelper output) : GrpcJsInteropTests(output)
{
    private readonly TempSqliteFile file = new();

    protected override Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path });

    protected override Task CleanUpAsync()
    {
        file.Dispose();
        return Task.CompletedTask;
    }
}

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresGrpcJsInteropTests(PostgresCluster cluster, ITestOutputHelper output) : GrpcJsInteropTests(output)
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}
