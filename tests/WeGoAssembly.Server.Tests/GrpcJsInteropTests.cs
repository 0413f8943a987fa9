using WeGoAssembly.Testing;
using Xunit.Abstractions;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// @grpc/grpc-js, the reference gRPC client, against the real host on each database: runs the suites
/// in tests/interop with node's test runner — membership (sign-in, a call without a token, unary call,
/// non-ASCII error, server stream, deadline, paging), the accreditation workflow, a watched ballot, and the floor
/// with a hall screen that follows it on a display link's token alone, and the delegation portal with a visa letter verified without a sign-in.
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
    [InlineData("floor.test.mjs", 1)]
    [InlineData("documents.test.mjs", 2)]
    public Task The_grpc_js_client_passes_the_interop_suite(string suite, int tests) =>
        GrpcJs.AssertSuitePassesAsync(suite, tests, server.GrpcTarget, output);
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
