using System.Runtime.CompilerServices;
using System.Text.Json;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Grains.Storage;

/// <summary>Reads projections as the grain states they were made from, for lists (never for decisions: grains own their state).</summary>
public sealed class Projections(IProjectionReader reader)
{
    private const int PageSize = 500;

    /// <summary>Rows of <paramref name="kind"/> with key &gt; <paramref name="afterKey"/>, in ordinal key order, a page at a time.</summary>
    public async IAsyncEnumerable<(string Key, TState State)> ScanAsync<TState>(
        string kind, string? afterKey = null, int limit = int.MaxValue, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var remaining = limit;
        while (remaining > 0)
        {
            var size = Math.Min(remaining, PageSize);
            var page = await reader.ReadPageAsync(kind, afterKey, size, ct);
            foreach (var (key, json) in page)
                yield return (key, JsonSerializer.Deserialize<TState>(json, GrainJson.Options)!);
            if (page.Count < size)
                yield break;
            remaining -= page.Count;
            afterKey = page[^1].Key;
        }
    }
}
