using Orleans;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Contracts.Auth;

/// <summary>
/// One participant's personal access code, keyed by the lower-case hex SHA-256 of the code: the
/// server never stores the code itself, and the code (128 random bits) is too long to guess.
/// </summary>
[Alias("wego.IAccessCodeGrain")]
public interface IAccessCodeGrain : IAuditedGrain
{
    /// <summary>Binds the code to a participant (called once, at registration).</summary>
    Task IssueAsync(ParticipantRef participant, string actor);

    /// <summary>The participant the code stands for, or null for an unknown or revoked code.</summary>
    Task<ParticipantRef?> GetAsync();

    /// <summary>Stops the code from signing anyone in (a replaced code, a rejected participant).</summary>
    Task RevokeAsync(string actor);
}
