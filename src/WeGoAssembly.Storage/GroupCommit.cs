using System.Threading.Channels;

namespace WeGoAssembly.Storage;

/// <summary>
/// One writer loop that stores queued work in shared transactions: each caller waits for the commit of its own work,
/// and work queued while one transaction runs shares the next, so under load many writes cost one fsync (group
/// commit). When a shared transaction fails, each piece of work is tried again on its own, so one the database
/// refuses fails alone.
/// </summary>
internal sealed class GroupCommit<TWork, TResult>(Func<IReadOnlyList<TWork>, Task<IReadOnlyList<TResult>>> writeBatch, int maxBatch, string owner)
    : IAsyncDisposable
{
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new() { SingleReader = true });
    private Task? writer;

    /// <summary>Queues the work; completes with its result once its transaction is committed.</summary>
    public Task<TResult> EnqueueAsync(TWork work)
    {
        if (writer is null)
        {
            lock (queue)
                writer ??= Task.Run(RunAsync);
        }
        var pending = new Pending(work);
        if (!queue.Writer.TryWrite(pending))
            pending.TrySetException(new ObjectDisposedException(owner, $"The {owner} is shutting down."));
        return pending.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(maxBatch);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < maxBatch && queue.Reader.TryRead(out var pending))
                batch.Add(pending);
            try
            {
                var results = await writeBatch([.. batch.Select(p => p.Work)]).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                    batch[i].TrySetResult(results[i]);
            }
            catch (Exception) when (batch.Count > 1)
            {
                foreach (var pending in batch)
                {
                    try
                    {
                        pending.TrySetResult((await writeBatch([pending.Work]).ConfigureAwait(false))[0]);
                    }
                    catch (Exception exception)
                    {
                        pending.TrySetException(exception);
                    }
                }
            }
            catch (Exception exception)
            {
                batch[0].TrySetException(exception);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        if (writer is not null)
            await writer.ConfigureAwait(false);
    }

    // Continuations run asynchronously: completing a batch must not run its callers inline on the writer loop.
    private sealed class Pending(TWork work) : TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public TWork Work { get; } = work;
    }
}
