using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;

namespace WeGoAssembly.Grains.Rules;

/// <summary>
/// When a written proxy may be recorded: proxies allowed at the assembly, two different members, both
/// voting-eligible, no second proxy from the same grantor, the holder below its maximum, and no chains
/// (a member that gave its proxy cannot hold one, and a member that holds one cannot give its own).
/// </summary>
public static class ProxyRules
{
    /// <summary>The reason the proxy is refused, or null when it may be recorded.</summary>
    public static DomainException? Check(
        string grantor, EligibilityDecision grantorEligibility,
        string holder, EligibilityDecision holderEligibility,
        AssemblyRules rules,
        IReadOnlyCollection<(string Grantor, string Holder)> inForce)
    {
        if (grantor == holder)
            return DomainException.Invalid("holder_member_city_id", $"A member cannot give its proxy to itself ({grantor}); name another member as holder.");
        if (!rules.ProxiesAllowed)
            return Refused("This assembly's rules do not allow proxies; the secretariat can allow them in the assembly's rules.");
        if (!grantorEligibility.Eligible)
            return Refused($"{grantor} cannot give a proxy: it is not voting-eligible. {grantorEligibility.Reason}");
        if (!holderEligibility.Eligible)
            return Refused($"{holder} cannot hold a proxy: it is not voting-eligible. {holderEligibility.Reason}");
        if (inForce.FirstOrDefault(p => p.Grantor == grantor) is { Holder: { } existing })
            return Refused($"{grantor} has already given its proxy to {existing}; revoke that proxy first.");
        if (inForce.FirstOrDefault(p => p.Holder == grantor) is { Grantor: { } heldFrom })
            return Refused($"{grantor} holds the proxy of {heldFrom}, so it cannot give its own (no chains of proxies).");
        if (inForce.FirstOrDefault(p => p.Grantor == holder) is { Holder: { } holdersHolder })
            return Refused($"{holder} has given its own proxy to {holdersHolder}, so it cannot hold one (no chains of proxies).");
        var held = inForce.Count(p => p.Holder == holder);
        if (held >= rules.MaxProxiesPerHolder)
            return Refused($"{holder} already holds {held} prox{(held == 1 ? "y" : "ies")}, the most this assembly allows per holder ({rules.MaxProxiesPerHolder}).");
        return null;
    }

    private static DomainException Refused(string message) => new(DomainErrorKind.StateConflict, message);
}
