using System.Diagnostics;
using WeGoAssembly.Testing;
using Xunit.Abstractions;

namespace WeGoAssembly.Server.Tests;

/// <summary>Runs one suite of tests/interop (@grpc/grpc-js under node's test runner) against a gRPC target.</summary>
public static class GrpcJs
{
    /// <summary>
    /// Runs <paramref name="suite"/> against <paramref name="target"/> (host:port) as the first administrator and
    /// asserts that all <paramref name="tests"/> tests passed; <paramref name="rootCertificate"/> (a PEM file)
    /// makes the suite connect with TLS and trust that certificate.
    /// </summary>
    public static async Task AssertSuitePassesAsync(string suite, int tests, string target, ITestOutputHelper output, string? rootCertificate = null)
    {
        var interop = RepositoryFiles.PathOf("tests", "interop");
        Assert.True(Directory.Exists(Path.Combine(interop, "node_modules", "@grpc", "grpc-js")),
            "The interop packages are not installed: run `bash tests/run.sh` (it runs `npm install` in tests/interop).");

        var start = new ProcessStartInfo("node", ["--test", "--test-reporter=tap", suite])
        {
            WorkingDirectory = interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["WEGO_GRPC_TARGET"] = target,
                ["WEGO_USER_NAME"] = WeGoServer.AdminUserName,
                ["WEGO_PASSWORD"] = WeGoServer.AdminPassword,
                ["NO_COLOR"] = "1",
            },
        };
        if (rootCertificate is not null)
            start.Environment["WEGO_GRPC_ROOT_CERT"] = rootCertificate;
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
}
