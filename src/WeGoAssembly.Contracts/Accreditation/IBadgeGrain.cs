using Orleans;

namespace WeGoAssembly.Contracts.Accreditation;

/// <summary>
/// The index from a badge's QR secret to its holder, keyed by the lower-case hex SHA-256 of the
/// secret: the secret itself is never stored. The delegation stays the judge of whether the badge is current.
/// </summary>
[Alias("wego.IBadgeGrain")]
public interface IBadgeGrain : IGrainWithStringKey
{
    /// <summary>Records the holder of a newly issued badge.</summary>
    Task IssueAsync(BadgeHolder holder);

    /// <summary>The holder, or null for a code never issued.</summary>
    Task<BadgeHolder?> GetAsync();

    /// <summary>Marks the badge revoked (replaced by a newer one, or the accreditation rejected).</summary>
    Task RevokeAsync();
}
