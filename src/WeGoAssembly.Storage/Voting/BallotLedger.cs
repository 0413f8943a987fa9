using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WeGoAssembly.Contracts.Voting;

namespace WeGoAssembly.Storage.Voting;

/// <summary>
/// The group-commit writer of the vote ledger, one per database. Votes are queued in a channel; one
/// background loop takes everything queued (up to <see cref="MaxBatch"/>), writes it in ONE transaction
/// and then completes each vote's task — or fails every vote of the batch when the commit fails, so
/// nothing is acknowledged that is not stored. While a batch commits, the next one fills up: under a
/// surge, thousands of votes share one fsync, and each reply still waits for its own vote's commit.
/// </summary>
public abstract partial class BallotLedger : IBallotLedger, IAsyncDisposable
{
    /// <summary>Most votes written in one transaction.</summary>
    public const int MaxBatch = 8192;

    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new() { SingleReader = true });
    private readonly ILogger logger;
    private readonly Task loop;

    protected BallotLedger(ILogger logger)
    {
        this.logger = logger;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Batches committed and votes in them since start, for the benchmark.</summary>
    public long Batches => Interlocked.Read(ref batches);

    public long VotesWritten => Interlocked.Read(ref votesWritten);

    private long batches, votesWritten;

    public Task AppendAsync(LedgerVote vote)
    {
        var pending = new Pending(vote);
        if (!queue.Writer.TryWrite(pending))
            pending.TrySetException(new LedgerUnavailableException("The vote ledger is shutting down; the vote was not stored. Retry."));
        return pending.Task;
    }

    public Task FlushAsync()
    {
        var barrier = new Pending(null);
        if (!queue.Writer.TryWrite(barrier))
            barrier.TrySetResult();
        return barrier.Task;
    }

    public abstract Task<LedgerContents> ReadAsync(string ballotId);

    public abstract Task<LedgerContents> SealAsync(string ballotId);

    /// <summary>
    /// Writes <paramref name="votes"/> (voter rows and counter increments) in one transaction and commits it; returns the
    /// positions of votes the database refused — their member's vote on that ballot is already stored, or the ballot is
    /// sealed (another activation of the ballot took the vote, or closed it, for a moment in a cluster) — which are not
    /// stored and fail alone.
    /// </summary>
    protected abstract Task<IReadOnlySet<int>> WriteBatchAsync(IReadOnlyList<LedgerVote> votes, CancellationToken ct);

    /// <summary>Drops a connection kept between batches after a failure, so the next batch starts clean.</summary>
    protected virtual ValueTask ResetAsync() => ValueTask.CompletedTask;

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        var votes = new List<LedgerVote>(MaxBatch);
        var reader = queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            votes.Clear();
            while (votes.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
                if (pending.Vote is { } vote)
                    votes.Add(vote);
            }
            try
            {
                IReadOnlySet<int> refused = NoneRefused;
                if (votes.Count > 0)
                {
                    refused = await WriteBatchAsync(votes, CancellationToken.None).ConfigureAwait(false);
                    Interlocked.Increment(ref batches);
                    Interlocked.Add(ref votesWritten, votes.Count - refused.Count);
                }
                var position = 0;
                foreach (var pending in batch)
                {
                    if (pending.Vote is not null && refused.Contains(position++))
                        pending.TrySetException(new LedgerUnavailableException(
                            $"The vote of {pending.Vote.MemberCityId} on ballot {pending.Vote.BallotId} was not stored: another vote of that member " +
                            "was stored meanwhile, or the ballot closed. It was not counted. Retry with the same idempotency key to learn which."));
                    else
                        pending.TrySetResult();
                }
            }
            catch (Exception exception)
            {
                LogBatchFailed(logger, exception, votes.Count);
                await ResetAsync().ConfigureAwait(false);
                var failure = new LedgerUnavailableException("The vote could not be stored (the database refused the commit); it was not counted. Retry.", exception);
                foreach (var pending in batch)
                {
                    if (pending.Vote is null)
                        pending.TrySetResult();   // a barrier only waits; the failure is the votes'
                    else
                        pending.TrySetException(failure);
                }
            }
        }
    }

    /// <summary>What <see cref="WriteBatchAsync"/> returns when every vote was stored.</summary>
    protected static readonly IReadOnlySet<int> NoneRefused = new HashSet<int>();

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
        await ResetAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} votes could not be committed; every vote in it fails")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    // Continuations run asynchronously: completing a batch must not run thousands of callers inline on the writer loop.
    private sealed class Pending(LedgerVote? vote) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public LedgerVote? Vote { get; } = vote;
    }
}
