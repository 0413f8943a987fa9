using System.Net;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>The server as a child process: started on a SQLite file, killed with SIGKILL, started again on the same ports, stopped gracefully.</summary>
public sealed class ServerProcessTests
{
    [Fact]
    public async Task The_server_process_survives_a_SIGKILL_and_stops_gracefully()
    {
        using var file = new TempSqliteFile();
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path });
        Assert.Equal(HttpStatusCode.OK, (await server.HealthAsync())?.Status);

        server.Kill();
        Assert.False(server.IsRunning);
        Assert.Null(await server.HealthAsync());

        await server.RestartAsync();
        Assert.True(await server.IsHealthyAsync(), server.Output);
        Assert.Equal(0, await server.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.False(server.IsRunning);
    }
}
