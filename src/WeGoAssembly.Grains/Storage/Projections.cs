using System.Runtime.CompilerServices;
using System.Text.Json;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Grains.Storage;

/// <summary>Reads projections as the grain states they were made from, for lists (never for decisions: grains own their state).</summary>
public sealed class Projections(IProjectionReader reader)
{
    private const int PageSize = 500;

    /// <summary>
    /// Rows of <paramref name="kind"/> with key &gt; <paramref name="afterKey"/> (and, with <paramref name="prefix"/>, only keys
    /// starting with it), in ordinal key order, read a page at a time so no connection is held while the caller works.
    /// </summary>
    public async IAsyncEnumerable<(string Key, TState State)> ScanAsync<TState>(
        string kind, string? afterKey = null, string? prefix = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (prefix is not null && string.CompareOrdinal(afterKey ?? "", prefix) < 0)
            afterKey = prefix;
        while (true)
        {
            var page = await reader.ReadPageAsync(kind, afterKey, PageSize, ct);
            foreach (var (key, json) in page)
            {
                if (prefix is not null && !key.StartsWith(prefix, StringComparison.Ordinal))
                    yield break;
                yield return (key, JsonSerializer.Deserialize<TState>(json, GrainJson.Options)!);
            }
            if (page.Count < PageSize)
                yield break;
            afterKey = page[^1].Key;
        }
    }
}
