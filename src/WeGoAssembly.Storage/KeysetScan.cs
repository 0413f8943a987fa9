using System.Runtime.CompilerServices;
using WeGoAssembly.Runtime;

namespace WeGoAssembly.Storage;

/// <summary>Keyset paging for scans, so that a long scan never holds a connection while its consumer works.</summary>
internal static class KeysetScan
{
    private const int PageSize = 500;

    public static async IAsyncEnumerable<StoredGrainState> ScanAsync(
        Func<string?, int, CancellationToken, Task<IReadOnlyList<StoredGrainState>>> readPage,
        string? afterKey, int limit, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var remaining = limit;
        while (remaining > 0)
        {
            var size = Math.Min(remaining, PageSize);
            var page = await readPage(afterKey, size, ct);
            foreach (var state in page)
                yield return state;
            if (page.Count < size)
                yield break;
            remaining -= page.Count;
            afterKey = page[^1].Key;
        }
    }
}
