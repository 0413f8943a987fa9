using Orleans;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Contracts.Voting;

namespace WeGoAssembly.Contracts.Floor;

/// <summary>A read-only link for one screen in the hall; Id is "d{n}" within the assembly.</summary>
[GenerateSerializer, Alias("wego.DisplayLink")]
public sealed record DisplayLink(string Id, string AssemblyId, string Label, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt);

/// <summary>
/// The display links of one assembly, keyed by the assembly id. A link's token is "{assemblyId}.{secret}": the id
/// leads here, and only the SHA-256 of the secret is kept. Watchable, so a revoked screen stops at once.
/// </summary>
[Alias("wego.IDisplayLinksGrain")]
public interface IDisplayLinksGrain : IAuditedGrain, IWatchable
{
    /// <summary>A new link and its token (shown only here).</summary>
    Task<(DisplayLink Link, string Token)> CreateAsync(string label, string actor);

    /// <summary>Every link, newest first.</summary>
    Task<IReadOnlyList<DisplayLink>> ListAsync();

    /// <summary>Revokes the link (again: no change); NOT_FOUND for an unknown one.</summary>
    Task<DisplayLink> RevokeAsync(string linkId, string actor);

    /// <summary>The working link whose secret this is, or null (unknown or revoked).</summary>
    Task<DisplayLink?> OpenAsync(string secret);
}
