using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Membership;
using WeGoAssembly.Runtime;

namespace WeGoAssembly.Server.Hosting;

/// <summary>
/// Demonstration data so a first start shows something real: the 6th General Assembly (Seoul, 2023)
/// and 71 member cities. Every record is flagged sample = true; the cities, categories and dues are
/// illustrative, not WeGO's register.
/// </summary>
public static class SampleData
{
    public const string AssemblyId = "ga-2023";
    private const string Actor = "sample-data";

    public static readonly Assembly Assembly = new(
        AssemblyId, "WeGO 6th General Assembly", "Seoul City Hall, Seoul", 2023, "Asia/Seoul",
        new DateOnly(2023, 9, 5), new DateOnly(2023, 9, 7), AssemblyRules.Default, Sample: true, CreatedAt: default);

    /// <summary>Seeds once: the assembly is written last, so an interrupted seed is completed at the next start.</summary>
    public static async Task SeedAsync(IGrainFactory grains, CancellationToken ct)
    {
        var assembly = grains.GetGrain<IAssemblyGrain>(AssemblyId);
        if (await assembly.GetAsync() is not null)
            return;
        await using var csv = typeof(SampleData).Assembly.GetManifestResourceStream("member-cities.csv")!;
        using var bytes = new MemoryStream();
        await csv.CopyToAsync(bytes, ct);
        var parsed = MemberCityCsv.Parse(bytes.ToArray());
        foreach (var (_, entry) in parsed.Rows)
            await grains.GetGrain<IMemberCityGrain>(entry.Id).UpsertAsync(entry with { Sample = true }, Actor);
        await assembly.CreateAsync(Assembly, Actor);
    }
}
