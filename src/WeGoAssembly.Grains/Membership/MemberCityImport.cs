using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Membership;

/// <summary>What an import did: rows read, rows stored, rows refused.</summary>
public sealed record ImportReport(int RowsRead, int RowsImported, IReadOnlyList<ImportRowError> Errors);

/// <summary>Imports a register CSV: stores every valid row through its member city grain, reports the rest.</summary>
public sealed class MemberCityImport(IGrainFactory grains)
{
    public async Task<ImportReport> ImportAsync(byte[] csv, bool dryRun, string actor, CancellationToken ct)
    {
        var parsed = MemberCityCsv.Parse(csv);
        if (dryRun)
            return new(parsed.RowsRead, 0, parsed.Errors);

        // Rows go to different grains, so they can be stored in parallel; each grain still takes one at a time.
        await Parallel.ForEachAsync(parsed.Rows, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (row, _) => await grains.GetGrain<IMemberCityGrain>(row.Entry.Id).UpsertAsync(row.Entry, actor));
        return new(parsed.RowsRead, parsed.Rows.Count, parsed.Errors);
    }
}
