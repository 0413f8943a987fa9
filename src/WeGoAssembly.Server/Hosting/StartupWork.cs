using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Hosting;

/// <summary>
/// What runs once the silo is up and before the server listens (hosted services start in registration order, and
/// the web server after them all): the change outbox's sweep, sign-in's start-up, the sample data.
/// </summary>
public sealed partial class StartupWork(
    IGrainFactory grains, IChangeOutbox outbox, AuthStartup auth, WeGoOptions options, ILogger<StartupWork> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReplayMarkedAsync(cancellationToken);
        await auth.RunAsync(cancellationToken);
        if (options.SeedSampleData)
            await SampleData.SeedAsync(grains, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Grains marked in the outbox and never committed (a node died between storing a change and appending its
    /// audit entry and projection, or the write failed): each is activated and replays its outbox. In a cluster the
    /// marks of grains active on other nodes are among them; replaying those appends what they hold, which is harmless.
    /// </summary>
    private async Task ReplayMarkedAsync(CancellationToken ct)
    {
        var marked = await outbox.MarkedAsync(ct);
        // Assemblies last: an assembly rebuilds its presence from the delegations' projections when it activates.
        foreach (var wave in marked.GroupBy(g => g.GrainKind == "assembly").OrderBy(w => w.Key))
        {
            await Parallel.ForEachAsync(wave, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (grain, _) =>
            {
                try
                {
                    await grains.GetGrain<IAuditedGrain>(GrainId.Create(grain.GrainKind, grain.Key)).ReplayOutboxAsync();
                }
                catch (Exception exception)
                {
                    // Its mark stays: the next start, or the grain's next activation, tries again; the others go on.
                    ReplayFailed(logger, exception, grain.GrainKind, grain.Key);
                }
            });
        }
        if (marked.Count > 0)
            Replayed(logger, marked.Count);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Replaying the change outbox of {GrainKind}/{Key} failed; its mark stays")]
    private static partial void ReplayFailed(ILogger logger, Exception exception, string grainKind, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed the change outbox of {Count} marked grains (left by a node that stopped, or active on another node)")]
    private static partial void Replayed(ILogger logger, int count);
}
