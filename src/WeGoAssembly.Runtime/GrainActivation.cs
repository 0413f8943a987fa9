using Microsoft.Extensions.DependencyInjection;

namespace WeGoAssembly.Runtime;

/// <summary>
/// The single in-process instance of one grain: a mailbox drained by one turn loop, so calls run one
/// at a time in arrival order. A closed activation hands the calls still in its mailbox, in order, to
/// its successor; nothing queued is lost.
/// </summary>
internal sealed class GrainActivation(GrainRuntime runtime, GrainRegistration registration, GrainId id)
{
    private readonly Lock gate = new();
    private readonly Queue<WorkItem> mailbox = new();
    private bool running;
    private bool closed;
    private long lastCallTimestamp = runtime.Time.GetTimestamp();

    private AsyncServiceScope? scope;
    private Grain? grain;
    private bool deactivateRequested;
    private bool inconsistent;

    public GrainRuntime Runtime => runtime;

    public GrainId Id => id;

    /// <summary>Queues an item; false once the activation is closed (the caller then finds its successor).</summary>
    public bool TryEnqueue(WorkItem item)
    {
        lock (gate)
        {
            if (closed)
                return false;
            mailbox.Enqueue(item);
            if (item.Method is not null)
                lastCallTimestamp = runtime.Time.GetTimestamp();
            if (running)
                return true;
            running = true;
        }
        // Unsafe: turns must not run in the execution context (AsyncLocals) of whichever caller
        // happened to start the loop.
        ThreadPool.UnsafeQueueUserWorkItem(static activation => _ = activation.RunTurnsAsync(), this, preferLocal: false);
        return true;
    }

    /// <summary>Whether no call is queued or running and the last one arrived at least <paramref name="timeout"/> ago.</summary>
    public bool IsIdle(TimeSpan timeout)
    {
        lock (gate)
            return !running && mailbox.Count == 0 && runtime.Time.GetElapsedTime(lastCallTimestamp) >= timeout;
    }

    public void DeactivateOnIdle() => deactivateRequested = true;

    /// <summary>A state write lost a race: whatever the grain does with the exception, this activation is stale.</summary>
    public void MarkInconsistent() => inconsistent = true;

    private async Task RunTurnsAsync()
    {
        while (true)
        {
            WorkItem? item;
            lock (gate)
            {
                if (!mailbox.TryDequeue(out item))
                {
                    running = false;
                    return;
                }
            }

            if (item.Method is null)
            {
                await DeactivateAsync(item);
            }
            else
            {
                await CallAsync(item);
                if (inconsistent)
                {
                    runtime.Logger.DroppedInconsistentActivation(id);
                    await CloseAsync();
                }
                else if (deactivateRequested)
                {
                    await DeactivateAsync(item: null);
                }
            }
            if (closed)
                return;
        }
    }

    private async Task CallAsync(WorkItem call)
    {
        try
        {
            grain ??= await ActivateAsync();
            call.Completion.TrySetResult(await call.Method!.InvokeAsync(grain, call.Args));
        }
        catch (Exception exception)
        {
            if (exception is InconsistentStateException)
                inconsistent = true;
            call.Completion.TrySetException(exception);
        }
    }

    /// <summary>Constructs the grain, loads its states and journal versions, then runs OnActivateAsync.</summary>
    private async Task<Grain> ActivateAsync()
    {
        scope = runtime.Services.CreateAsyncScope();
        try
        {
            var (created, createdSlots) = registration.Construct(this, scope.Value.ServiceProvider);
            foreach (var slot in createdSlots)
                await slot.LoadAsync();
            await created.OnActivateAsync(CancellationToken.None);
            runtime.Logger.Activated(id);
            return created;
        }
        catch
        {
            // The call fails; the next call tries a fresh construction.
            await scope.Value.DisposeAsync();
            scope = null;
            throw;
        }
    }

    private async Task DeactivateAsync(WorkItem? item)
    {
        if (item is { OnlyIfIdle: true } && !IsIdleAfterThisTurn())
        {
            item.Completion.TrySetResult(null);
            return;
        }
        if (grain is not null)
        {
            try
            {
                await grain.OnDeactivateAsync(CancellationToken.None);
            }
            catch (Exception exception)
            {
                runtime.Logger.DeactivationFailed(exception, id);
            }
        }
        await CloseAsync();
        item?.Completion.TrySetResult(null);
    }

    private bool IsIdleAfterThisTurn()
    {
        lock (gate)
            return mailbox.Count == 0 && runtime.Time.GetElapsedTime(lastCallTimestamp) >= runtime.Options.IdleTimeout;
    }

    /// <summary>Leaves the runtime and forwards queued items, atomically with respect to callers enqueuing.</summary>
    private async Task CloseAsync()
    {
        lock (gate)
        {
            closed = true;
            running = false;
            runtime.Remove(this);
            // Under the lock: a caller that still holds this activation waits here, then finds the
            // successor with these items already queued ahead of its own.
            while (mailbox.TryDequeue(out var item))
                runtime.Forward(registration, id.Key, item);
        }
        grain = null;
        try
        {
            if (scope is { } activationScope)
                await activationScope.DisposeAsync();
        }
        catch (Exception exception)
        {
            // The activation is gone either way; a failing dependency must not stall the turn loop.
            runtime.Logger.DeactivationFailed(exception, id);
        }
        scope = null;
        runtime.Logger.Deactivated(id);
    }

    public override string ToString() => id.ToString();
}
