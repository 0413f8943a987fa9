using Microsoft.Extensions.Logging;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Grains.Storage;

/// <summary>What an audited grain needs besides its state: the outbox, the clock, a logger. One service, so grain constructors stay short.</summary>
public sealed class ChangeRecording(IChangeOutbox outbox, TimeProvider clock, ILoggerFactory loggers)
{
    internal AuditedState<TState> For<TState>(IPersistentState<Audited<TState>> stored, GrainId grain, string? project) where TState : new() =>
        new(stored, outbox, grain.Type.ToString()!, grain.Key.ToString()!, project, clock, loggers.CreateLogger("WeGoAssembly.Grains.ChangeOutbox"));
}

/// <summary>
/// Base of grains whose changes are audited (and, with <paramref name="project"/>, listed): the state goes through
/// <see cref="AuditedState{TState}"/>, and each activation first appends what a crash left in its outbox.
/// </summary>
public abstract class AuditedGrain<TState> : Grain, IAuditedGrain where TState : new()
{
    // Named as the grains named their IPersistentState before, so their code reads the same.
#pragma warning disable IDE1006
    protected readonly AuditedState<TState> state;
#pragma warning restore IDE1006

    protected AuditedGrain(IPersistentState<Audited<TState>> stored, ChangeRecording recording, string? project = null) =>
        state = recording.For(stored, this.GetGrainId(), project);

    public override Task OnActivateAsync(CancellationToken cancellationToken) => state.ReplayAsync();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => state.ReleaseAsync();

    public Task ReplayOutboxAsync() => state.ReplayAsync(always: true);
}
