using WeGoAssembly.Contracts.Assemblies;

namespace WeGoAssembly.Grains.Rules;

/// <summary>A quorum count: members present, of them those counted through a proxy, eligible, required, and whether it is met.</summary>
public sealed record QuorumOutcome(int Present, int RepresentedByProxy, int Eligible, int Required, bool Met);

/// <summary>
/// The live quorum of an assembly. A voting-eligible member counts as present when its voting delegate or
/// its alternate is in the hall; when the rules count proxies, an eligible member that is not present
/// counts as represented when the holder of its proxy is eligible and present itself.
/// </summary>
public static class Quorum
{
    public static QuorumOutcome Evaluate(
        IReadOnlySet<string> eligible,
        IReadOnlySet<string> presentVoters,
        IEnumerable<(string Grantor, string Holder)> proxiesInForce,
        QuorumRule rule,
        bool proxiesCount)
    {
        var present = eligible.Count(presentVoters.Contains);
        var represented = !proxiesCount ? 0 : proxiesInForce
            .Where(p => eligible.Contains(p.Grantor) && !presentVoters.Contains(p.Grantor)
                        && eligible.Contains(p.Holder) && presentVoters.Contains(p.Holder))
            .Select(p => p.Grantor)
            .Distinct(StringComparer.Ordinal)
            .Count();
        var required = Required(eligible.Count, rule);
        var total = present + represented;
        return new(total, represented, eligible.Count, required, total >= required);
    }

    /// <summary>
    /// Fewest members present that meet the rule: more than (or at least) numerator/denominator of the eligible,
    /// and never fewer than one, so an assembly without voting members never has quorum.
    /// </summary>
    public static int Required(int eligible, QuorumRule rule)
    {
        var product = (long)eligible * rule.Numerator;
        var required = rule.StrictlyMore
            ? product / rule.Denominator + 1                          // smallest n with n > E·a/b
            : (product + rule.Denominator - 1) / rule.Denominator;    // smallest n with n >= E·a/b
        return (int)Math.Max(1, required);
    }
}
