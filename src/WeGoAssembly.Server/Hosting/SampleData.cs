using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Logistics;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Membership;
using WeGoAssembly.Grains.Rules;
using Orleans;

namespace WeGoAssembly.Server.Hosting;

/// <summary>
/// Demonstration data so a first start shows something real: the 6th General Assembly (Seoul, 2023)
/// 71 member cities and the two site visits (Gwangjang Market, LG Science Park in Magok). Every record is flagged sample = true; the cities, categories and dues are
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
        {
            await SeedSiteVisitsAsync(grains);
            return;
        }
        await using var csv = typeof(SampleData).Assembly.GetManifestResourceStream("member-cities.csv")!;
        using var bytes = new MemoryStream();
        await csv.CopyToAsync(bytes, ct);
        var parsed = MemberCityCsv.Parse(bytes.ToArray());
        foreach (var (_, entry) in parsed.Rows)
            await grains.GetGrain<IMemberCityGrain>(entry.Id).UpsertAsync(entry with { Sample = true }, Actor);
        await SeededByAnotherNodeIfExists(() => assembly.CreateAsync(Assembly, Actor));
        await SeedSiteVisitsAsync(grains);
    }

    // Nodes of a cluster starting together seed together: the first one's record stands.
    private static async Task SeededByAnotherNodeIfExists(Func<Task> create)
    {
        try
        {
            await create();
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.AlreadyExists)
        {
        }
    }

    /// <summary>The two site visits of the 2023 assembly, on the afternoon of 7 September (Asia/Seoul), two buses each.</summary>
    public static IReadOnlyList<SiteVisit> SiteVisits { get; } =
    [
        new(SiteVisitRules.Id(AssemblyId, "gwangjang-market"), AssemblyId,
            "Gwangjang Market", "광장시장",
            "One of Seoul's oldest traditional markets (1905): food alley, textiles and the market's revitalisation with the city.",
            "1905년에 문을 연 서울의 대표 전통시장: 먹자골목, 직물 상가, 시장 활성화 사례.",
            "Gwangjang Market, 88 Changgyeonggung-ro, Jongno-gu, Seoul",
            new DateTimeOffset(2023, 9, 7, 14, 0, 0, TimeSpan.FromHours(9)), new DateTimeOffset(2023, 9, 7, 17, 0, 0, TimeSpan.FromHours(9)),
            "Seoul City Hall, west gate", 80,
            [new("bus-1", 45, "Bus 1"), new("bus-2", 45, "Bus 2")],
            "Crowded, narrow alleys; about 1.5 km on foot, mostly level. Step-free main aisles.", Sample: true),
        new(SiteVisitRules.Id(AssemblyId, "lg-science-park"), AssemblyId,
            "LG Science Park, Magok", "LG사이언스파크 (마곡)",
            "LG's research campus in the Magok district of Gangseo-gu: smart-city technology showroom and the district's urban development.",
            "강서구 마곡지구의 LG 연구단지: 스마트시티 기술 전시관과 마곡 도시개발 사례.",
            "LG Science Park, Magok, Gangseo-gu, Seoul",
            new DateTimeOffset(2023, 9, 7, 14, 0, 0, TimeSpan.FromHours(9)), new DateTimeOffset(2023, 9, 7, 17, 30, 0, TimeSpan.FromHours(9)),
            "Seoul City Hall, west gate", 80,
            [new("bus-1", 45, "Bus 1"), new("bus-2", 45, "Bus 2")],
            "Step-free throughout, lifts to every floor; about 500 m on foot indoors.", Sample: true),
    ];

    /// <summary>Adds whichever sample visit is missing, so an interrupted seed is completed at the next start.</summary>
    private static async Task SeedSiteVisitsAsync(IGrainFactory grains)
    {
        var plan = grains.GetGrain<ISiteVisitPlanGrain>(AssemblyId);
        var existing = (await plan.GetVisitsAsync()).Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var visit in SiteVisits.Where(v => !existing.Contains(v.Id)))
            await SeededByAnotherNodeIfExists(() => plan.AddVisitAsync(visit, Actor));
    }
}
