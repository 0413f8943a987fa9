using System.Runtime.CompilerServices;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Assemblies;

/// <summary>The assemblies, read from their projection rows in id order (a handful: one a year, and the sample).</summary>
public sealed class AssemblyDirectory(Projections projections)
{
    public async IAsyncEnumerable<Assembly> ListAsync(string? after, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (_, state) in projections.ScanAsync<AssemblyState>(AssemblyGrain.TypeName, after, ct: ct))
        {
            if (state.Assembly is { } assembly)
                yield return assembly;
        }
    }
}
