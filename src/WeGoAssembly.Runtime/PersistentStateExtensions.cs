namespace WeGoAssembly.Runtime;

/// <summary>Helpers over <see cref="IPersistentState{TState}"/> that grains share.</summary>
public static class PersistentStateExtensions
{
    /// <summary>
    /// Stores <paramref name="next"/> as the state. If the write fails, the activation keeps the state
    /// it had, so memory never runs ahead of what is stored.
    /// </summary>
    public static Task WriteStateAsync<TState>(this IPersistentState<TState> state, TState next) where TState : new() =>
        Replace(state, next, s => s.WriteStateAsync());

    /// <summary>As above, with the change's audit entry stored in the same transaction.</summary>
    public static Task WriteStateAsync<TState>(this IPersistentState<TState> state, TState next, AuditRecord audit) where TState : new() =>
        Replace(state, next, s => s.WriteStateAsync(audit));

    private static async Task Replace<TState>(IPersistentState<TState> state, TState next, Func<IPersistentState<TState>, Task> write) where TState : new()
    {
        var previous = state.State;
        state.State = next;
        try { await write(state); }
        catch { state.State = previous; throw; }
    }
}
