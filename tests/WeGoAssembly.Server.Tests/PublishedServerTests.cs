using WeGoAssembly.Testing;
using Xunit.Abstractions;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The server as an operator runs it: `dotnet publish`, then started from a folder that holds nothing of it (as a
/// container or a unit without WorkingDirectory does). Its settings, the gRPC port's HTTP/2 among them, must come
/// from its own appsettings.json, and the web UI's framework script from its own wwwroot.
/// </summary>
// In the PostgreSQL collection only so that it never publishes while DeployTests does: two restores of one project at
// once would race on its obj/project.assets.json.
[Collection(Testing.PostgresCollection.Name)]
public sealed class PublishedServerTests(ITestOutputHelper output) : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("wego-published-").FullName;

    [Fact]
    public async Task The_published_server_started_from_an_empty_folder_serves_gRPC_and_the_web_UI()
    {
        var publish = Path.Combine(root, "publish");
        var run = Directory.CreateDirectory(Path.Combine(root, "run")).FullName;
        // The configuration these tests were built in, so the publish reuses that build instead of compiling anew.
        var published = await ToolRun.RunAsync("dotnet",
            ["publish", RepositoryFiles.PathOf("src", "WeGoAssembly.Server", "WeGoAssembly.Server.csproj"), "-c", Configuration, "-o", publish, "--nologo", "-v", "q"],
            timeout: TimeSpan.FromMinutes(5));
        Assert.True(published.ExitCode == 0, published.ToString());

        // Only the ports come from the environment: the endpoints' protocols are appsettings.json's to give.
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Protocols"] = null,
            ["Kestrel:Endpoints:Web:Protocols"] = null,
            ["Seed:SampleData"] = "true",
        }, Path.Combine(publish, "WeGoAssembly.Server.dll"), run);

        await GrpcJs.AssertSuitePassesAsync("membership.test.mjs", 6, $"{server.GrpcAddress.Host}:{server.GrpcAddress.Port}", output);
        using var web = new HttpClient { BaseAddress = server.WebAddress };
        Assert.Contains("_framework/blazor.web.js", await web.GetStringAsync("/signin"));
        var script = await web.GetByteArrayAsync("/_framework/blazor.web.js");
        Assert.True(script.Length > 10_000, $"blazor.web.js has {script.Length} bytes");
        // A relative Storage:SqlitePath is still the working directory's.
        Assert.True(File.Exists(Path.Combine(run, "data", "wego.db")));
    }

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public void Dispose() => Directory.Delete(root, recursive: true);
}
