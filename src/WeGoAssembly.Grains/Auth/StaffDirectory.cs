using System.Runtime.CompilerServices;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Auth;

/// <summary>A page of staff accounts and the user name to continue after, null on the last page.</summary>
public sealed record StaffPage(IReadOnlyList<StaffAccount> Accounts, string? ContinueAfter);

/// <summary>
/// Reads staff accounts straight from stored grain state, in user name order, like the member register:
/// every change is stored before it is acknowledged, so the list is never behind. Password hashes stay here.
/// </summary>
public sealed class StaffDirectory(Projections projections)
{
    public async Task<StaffPage> ListAsync(string? after, int pageSize, CancellationToken ct)
    {
        var page = new List<StaffAccount>(pageSize);
        await foreach (var account in StreamAsync(after, ct))
        {
            if (page.Count == pageSize)
                return new(page, page[^1].UserName);
            page.Add(account);
        }
        return new(page, null);
    }

    /// <summary>Whether any staff account is stored (the first administrator is created only when none is).</summary>
    public async Task<bool> AnyAsync(CancellationToken ct)
    {
        await foreach (var _ in StreamAsync(after: null, ct))
            return true;
        return false;
    }

    public async IAsyncEnumerable<StaffAccount> StreamAsync(string? after, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (_, state) in projections.ScanAsync<StaffAccountState>(StaffAccountGrain.TypeName, after, ct: ct))
        {
            if (state.Account is { } account)
                yield return account;
        }
    }
}
