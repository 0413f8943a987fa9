using System.Runtime.CompilerServices;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Membership;

/// <summary>Which member cities a list asks for; null means any.</summary>
public sealed record MemberFilter(MemberCategory? Category, MemberStatus? Status)
{
    public static MemberFilter Any { get; } = new(null, null);

    public bool Matches(MemberCity member) =>
        (Category is null || member.Category == Category) && (Status is null || member.Status == Status);
}

/// <summary>A page of the register and the key to continue after, null on the last page.</summary>
public sealed record MemberPage(IReadOnlyList<MemberCity> Members, string? ContinueAfter);

/// <summary>
/// Reads the member register from its projection (one row per member city), in id order. Every acknowledged
/// change is stored before it is acknowledged, so this read model is never behind the grains.
/// </summary>
public sealed class MemberRegister(Projections projections)
{
    public async Task<MemberPage> ListAsync(MemberFilter filter, string? after, int pageSize, CancellationToken ct)
    {
        var page = new List<MemberCity>(pageSize);
        await foreach (var member in StreamAsync(filter, after, ct))
        {
            if (page.Count == pageSize)
                return new(page, page[^1].Id);
            page.Add(member);
        }
        return new(page, null);
    }

    public async IAsyncEnumerable<MemberCity> StreamAsync(MemberFilter filter, string? after, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (_, state) in projections.ScanAsync<MemberCityState>(MemberCityGrain.TypeName, after, ct: ct))
        {
            if (state.Member is { } member && filter.Matches(member))
                yield return member;
        }
    }
}
