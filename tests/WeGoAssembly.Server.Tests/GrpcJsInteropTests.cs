using System.Diagnostics;
using WeGoAssembly.Testing;
using Xunit.Abstractions;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// @grpc/grpc-js, the reference gRPC client, against the real host: runs tests/interop with
/// node's test runner (unary call, non-ASCII error, server stream, deadline, paging).
/// </summary>
public sealed class GrpcJsInteropTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempSqliteFile file = new();
    private WeGoServer server = null!;

    public async Task InitializeAsync() =>
        server = await WeGoServer.StartAsync(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path });

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        file.Dispose();
    }

    [Fact]
    public async Task The_grpc_js_client_passes_the_membership_interop_suite()
    {
        var interop = Path.Combine(RepositoryRoot(), "tests", "interop");
        Assert.True(Directory.Exists(Path.Combine(interop, "node_modules", "@grpc", "grpc-js")),
            "The interop packages are not installed: run `bash tests/run.sh` (it runs `npm ci` in tests/interop).");

        var start = new ProcessStartInfo("node", ["--test", "--test-reporter=tap", "membership.test.mjs"])
        {
            WorkingDirectory = interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["WEGO_GRPC_TARGET"] = server.GrpcTarget, ["NO_COLOR"] = "1" },
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await node.WaitForExitAsync(timeout.Token);
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);

        Assert.True(node.ExitCode == 0, $"node --test exited with {node.ExitCode}:\n{await stdout}\n{await stderr}");
        Assert.Contains("# pass 5", await stdout);
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
