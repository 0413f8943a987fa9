using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class AssemblyRulesCheckTests
{
    private static readonly Assembly Valid = new("ga-2023", "WeGO 6th General Assembly", "Seoul City Hall", 2023, "Asia/Seoul",
        new DateOnly(2023, 9, 5), new DateOnly(2023, 9, 7), AssemblyRules.Default, Sample: false, CreatedAt: default);

    [Fact]
    public void The_sample_assembly_is_valid() => Assert.Empty(AssemblyRulesCheck.Validate(Valid).Errors);

    public static TheoryData<string, Assembly> Invalid => new()
    {
        { "id", Valid with { Id = "GA 2023" } },
        { "title", Valid with { Title = "" } },
        { "year", Valid with { Year = 1999 } },
        { "time_zone", Valid with { TimeZone = "Seoul" } },
        { "time_zone", Valid with { TimeZone = "" } },
        { "ends_on", Valid with { EndsOn = new DateOnly(2023, 9, 4) } },
        { "rules.quorum", Valid with { Rules = AssemblyRules.Default with { Quorum = new QuorumRule(0, 2, true) } } },
        { "rules.quorum", Valid with { Rules = AssemblyRules.Default with { Quorum = new QuorumRule(3, 2, false) } } },
        { "rules.quorum", Valid with { Rules = AssemblyRules.Default with { Quorum = new QuorumRule(1, 0, false) } } },
        { "rules.max_proxies_per_holder", Valid with { Rules = AssemblyRules.Default with { ProxiesAllowed = true, MaxProxiesPerHolder = 0 } } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_assembly_is_reported_by_field(string field, Assembly assembly)
    {
        var error = Assert.Single(AssemblyRulesCheck.Validate(assembly).Errors);
        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("Asia/Seoul")]
    [InlineData("Europe/Lisbon")]
    [InlineData("UTC")]
    public void IANA_time_zones_are_accepted(string zone) =>
        Assert.Empty(AssemblyRulesCheck.Validate(Valid with { TimeZone = zone }).Errors);
}
