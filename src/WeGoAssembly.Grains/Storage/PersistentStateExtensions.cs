namespace WeGoAssembly.Grains.Storage;

/// <summary>Helpers over Orleans' <see cref="IPersistentState{TState}"/> that grains share.</summary>
public static class PersistentStateExtensions
{
    /// <summary>
    /// Stores <paramref name="next"/> as the state. If the write fails, the activation keeps the state
    /// it had, so memory never runs ahead of what is stored.
    /// </summary>
    public static async Task WriteStateAsync<TState>(this IPersistentState<TState> state, TState next)
    {
        var previous = state.State;
        state.State = next;
        try { await state.WriteStateAsync(); }
        catch { state.State = previous; throw; }
    }
}
