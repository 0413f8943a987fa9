using System.Diagnostics;
using System.Net;
using Npgsql;
using WeGoAssembly.Testing;
using Xunit.Abstractions;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The deployment as an operator performs it on this machine: a self-contained publish, then deploy/install.sh (into a
/// throwaway root, with the test's PostgreSQL) for two nodes; the nodes started as the installed systemd unit says
/// (its ExecStart, its EnvironmentFile, as its User), behind nginx with the installed site on a port other than 443.
/// </summary>
[Collection(Testing.PostgresCollection.Name)]
public sealed class DeployTests(PostgresCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private const string AdminPassword = "an operators long passphrase", DbPassword = "a database password & its length";
    // Open to the service user, who runs the installed program from inside it.
    private readonly string work = OpenToAll(Directory.CreateTempSubdirectory("wego-deploy-").FullName);
    private readonly List<Process> nodes = [];

    [Fact]
    public async Task Install_sh_sets_up_two_nodes_that_form_a_cluster_and_serve_behind_nginx_keeping_its_port_in_redirects()
    {
        var build = Path.Combine(work, "build");
        var publish = await ToolRun.RunAsync("dotnet",
            ["publish", RepositoryFiles.PathOf("src", "WeGoAssembly.Server", "WeGoAssembly.Server.csproj"), "-c", "Release", "-r", "linux-x64", "--self-contained",
             "-o", build, "--nologo", "-v", "q"], timeout: TimeSpan.FromMinutes(10));
        Assert.True(publish.ExitCode == 0, publish.ToString());

        var root = Path.Combine(work, "root");
        var (database, role) = ($"wego_deploy_{Guid.NewGuid():N}"[..24], $"wego_deploy_{Guid.NewGuid():N}"[..22]);
        Task<ToolRun> Install() => ToolRun.RunAsync("bash", [RepositoryFiles.PathOf("deploy", "install.sh"), build, "2"], new Dictionary<string, string>
        {
            ["WEGO_ROOT"] = root, ["WEGO_DB_PASSWORD"] = DbPassword, ["WEGO_ADMIN_PASSWORD"] = AdminPassword,
            ["WEGO_DB_NAME"] = database, ["WEGO_DB_USER"] = role,
            ["PGHOST"] = "127.0.0.1", ["PGPORT"] = $"{cluster.Port}", ["PGUSER"] = "postgres",
        });
        var install = await Install();
        output.WriteLine(install.Output);
        Assert.True(install.ExitCode == 0, install.ToString());
        // Run again, as after an upgrade: the settings stay, the program is replaced.
        File.AppendAllText(Path.Combine(root, "etc", "wegoassembly", "node1.env"), "# kept\n");
        var again = await Install();
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.EndsWith("# kept\n", File.ReadAllText(Path.Combine(root, "etc", "wegoassembly", "node1.env")));
        Assert.True(File.Exists(Path.Combine(root, "opt", "wegoassembly", "current", "WeGoAssembly.Server")));

        // Settings readable by the service's group only; the nginx site with the two nodes' upstreams.
        Assert.Equal("750 root:wegoassembly", await StatAsync(Path.Combine(root, "etc", "wegoassembly")));
        Assert.Equal("640 root:wegoassembly", await StatAsync(Path.Combine(root, "etc", "wegoassembly", "node2.env")));
        var site = Path.Combine(root, "etc", "nginx", "conf.d", "wegoassembly.conf");
        Assert.Contains("#    server 127.0.0.1:5085 ", File.ReadAllText(site));
        Assert.Contains("\n    server 127.0.0.1:5083 ", File.ReadAllText(site));

        // Each node as systemd would run it.
        var unit = File.ReadAllLines(Path.Combine(root, "etc", "systemd", "system", "wegoassembly@.service"));
        string Directive(string name) => unit.Single(l => l.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];
        foreach (var instance in new[] { "node1", "node2" })
            nodes.Add(StartAsUnit(root, Directive("ExecStart"), Directive("WorkingDirectory"), Directive("EnvironmentFile").Replace("%i", instance, StringComparison.Ordinal), Directive("User")));
        await WaitHealthyAsync(new Uri("http://127.0.0.1:5080"));
        await WaitHealthyAsync(new Uri("http://127.0.0.1:5082"));

        var builder = new NpgsqlConnectionStringBuilder(cluster.AdminConnectionString) { Database = database };
        await using (var connection = new NpgsqlConnection(builder.ToString()))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE status = 3", connection);
            Assert.Equal(2L, await command.ExecuteScalarAsync());
        }

        await using var nginx = await NginxFront.StartAsync(site, new NginxFront.NodePorts(5081, 5080), new NginxFront.NodePorts(5083, 5082));
        using var http = nginx.HttpClient();
        // A page that needs signing in sends the browser to the sign-in page on nginx's own scheme, host and port.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/secretariat") { Headers = { { "Accept", "text/html" } } };
        using var page = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith($"{nginx.HttpsAddress.GetLeftPart(UriPartial.Authority)}/signin", page.Headers.Location!.ToString());
        var admin = new SampleApi(new GrpcClient(http));
        Assert.NotEmpty((await admin.SignIn("admin", AdminPassword)).BearerToken);
    }

    private Process StartAsUnit(string root, string execStart, string workingDirectory, string environmentFile, string user)
    {
        var start = new ProcessStartInfo("setpriv", ["--reuid", user, "--regid", user, "--clear-groups", "--", root + execStart])
        {
            WorkingDirectory = root + workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("WEGO__", StringComparison.Ordinal) || k.StartsWith("DOTNET_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in EnvironmentFile.Read(root + environmentFile).Entries.Where(e => !e.Commented).Select(e => (e.Name, e.Value)))
            start.Environment[name] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) output.WriteLine($"{environmentFile}: {line}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) output.WriteLine($"{environmentFile}: {line}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitHealthyAsync(Uri web)
    {
        using var http = new HttpClient { BaseAddress = web, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            Assert.True(nodes.All(n => !n.HasExited), "A node exited before it answered /healthz.");
            Assert.True(clock.Elapsed < ServerProcess.StartTimeout, $"{web} did not answer /healthz within {ServerProcess.StartTimeout.TotalSeconds} s.");
            await Task.Delay(200);
        }
    }

    private static string OpenToAll(string directory)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        return directory;
    }

    private static async Task<string> StatAsync(string path) => (await ToolRun.RunAsync("stat", ["-c", "%a %U:%G", path])).Output.Trim();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var node in nodes)
        {
            if (!node.HasExited)
                node.Kill(entireProcessTree: true);
            node.WaitForExit();
            node.Dispose();
        }
        Directory.Delete(work, recursive: true);
        return Task.CompletedTask;
    }
}
