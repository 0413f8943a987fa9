using WeGoAssembly.Runtime;

namespace WeGoAssembly.Contracts.Auth;

/// <summary>What a signed-in user may do; numbers equal the proto UserRole values.</summary>
public enum Role { Secretariat = 1, Logistics = 2, Participant = 3 }

/// <summary>A registered participant as an access code or a token names them.</summary>
public sealed record ParticipantRef(string ParticipantId, string AssemblyId, string MemberCityId, string DisplayName);

/// <summary>
/// One participant's personal access code, keyed by the lower-case hex SHA-256 of the code: the
/// server never stores the code itself, and the code (128 random bits) is too long to guess.
/// </summary>
public interface IAccessCodeGrain : IGrainWithStringKey
{
    /// <summary>Binds the code to a participant (called once, at registration).</summary>
    Task IssueAsync(ParticipantRef participant, string actor);

    /// <summary>The participant the code stands for, or null for an unknown or revoked code.</summary>
    Task<ParticipantRef?> GetAsync();

    /// <summary>Stops the code from signing anyone in (a replaced code, a rejected participant).</summary>
    Task RevokeAsync(string actor);
}
