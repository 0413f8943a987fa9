using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class ProxyRulesTests
{
    private static readonly EligibilityDecision Yes = new(true, "Full member in good standing.");
    private static readonly EligibilityDecision No = new(false, "Dues are paid through 2020; they must be paid through 2022 to vote in 2023.");
    private static readonly AssemblyRules Allowed = AssemblyRules.Default with { ProxiesAllowed = true, MaxProxiesPerHolder = 1 };

    // grantor, holder, grantor eligible, holder eligible, rules, proxies in force, expected error kind (null: allowed), words in the message
    public static TheoryData<string, string, string, bool, bool, AssemblyRules, string[], DomainErrorKind?, string> Cases => new()
    {
        { "allowed", "a", "b", true, true, Allowed, [], null, "" },
        { "proxies off at the assembly", "a", "b", true, true, AssemblyRules.Default, [], DomainErrorKind.StateConflict, "do not allow proxies" },
        { "to itself", "a", "a", true, true, Allowed, [], DomainErrorKind.Invalid, "itself" },
        { "grantor not eligible", "a", "b", false, true, Allowed, [], DomainErrorKind.StateConflict, "paid through 2020" },
        { "holder not eligible", "a", "b", true, false, Allowed, [], DomainErrorKind.StateConflict, "b cannot hold" },
        { "grantor already gave one", "a", "b", true, true, Allowed with { MaxProxiesPerHolder = 5 }, ["a>c"], DomainErrorKind.StateConflict, "already given its proxy to c" },
        { "chain: grantor holds one", "a", "b", true, true, Allowed, ["c>a"], DomainErrorKind.StateConflict, "holds the proxy of c" },
        { "chain: holder gave its own", "a", "b", true, true, Allowed, ["b>c"], DomainErrorKind.StateConflict, "b has given its own proxy to c" },
        { "holder at its maximum of 1", "a", "b", true, true, Allowed, ["c>b"], DomainErrorKind.StateConflict, "the most this assembly allows per holder (1)" },
        { "holder below a maximum of 2", "a", "b", true, true, Allowed with { MaxProxiesPerHolder = 2 }, ["c>b"], null, "" },
        { "holder at a maximum of 2", "a", "b", true, true, Allowed with { MaxProxiesPerHolder = 2 }, ["c>b", "d>b"], DomainErrorKind.StateConflict, "2 proxies" },
        { "unrelated proxies do not matter", "a", "b", true, true, Allowed, ["c>d"], null, "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_proxy_is_refused_when_off_self_ineligible_repeated_chained_or_over_the_limit(
        string _, string grantor, string holder, bool grantorEligible, bool holderEligible, AssemblyRules rules, string[] inForce, DomainErrorKind? kind, string words)
    {
        var standing = inForce.Select(p => p.Split('>')).Select(p => (p[0], p[1])).ToArray();

        var refused = ProxyRules.Check(grantor, grantorEligible ? Yes : No, holder, holderEligible ? Yes : No, rules, standing);

        Assert.Equal(kind, refused?.Kind);
        if (refused is not null)
            Assert.Contains(words, refused.Message);
    }
}
