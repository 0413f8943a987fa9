using System.Runtime.CompilerServices;
using System.Text.Json;

namespace WeGoAssembly.Runtime;

/// <summary>Reads stored grain states directly, for read models such as lists (never for decisions: grains own their state).</summary>
public interface IGrainStateReader
{
    /// <summary>States of one grain type and state name with key &gt; <paramref name="afterKey"/>, in ordinal key order.</summary>
    IAsyncEnumerable<(string Key, TState State)> ScanAsync<TState>(
        string grainType, string stateName, string? afterKey = null, int limit = int.MaxValue, CancellationToken ct = default);
}

internal sealed class GrainStateReader(IGrainStorage storage) : IGrainStateReader
{
    public async IAsyncEnumerable<(string Key, TState State)> ScanAsync<TState>(
        string grainType, string stateName, string? afterKey = null, int limit = int.MaxValue,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var stored in storage.ScanAsync(grainType, stateName, afterKey, limit, ct))
            yield return (stored.Key, JsonSerializer.Deserialize<TState>(stored.Json, GrainJson.Options)!);
    }
}
