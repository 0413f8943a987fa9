using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grpc;

namespace WeGoAssembly.Server.Auth;

/// <summary>
/// Who is calling: the identity a valid bearer token carries. Actor is what the audit log records:
/// "staff:&lt;user name&gt;" or "participant:&lt;participant id&gt;".
/// </summary>
public sealed record CallerIdentity(string Actor, IReadOnlySet<Role> Roles, string DisplayName, ParticipantRef? Participant);

/// <summary>
/// The one place every RPC asks who is calling and whether they may: UNAUTHENTICATED without a valid,
/// unexpired "authorization: Bearer" token, PERMISSION_DENIED with the wrong role or another city's delegation.
/// </summary>
public sealed class Authorization
{
    /// <summary>Any signed-in user.</summary>
    public CallerIdentity Authenticated(ServerCallContext context) => throw new NotImplementedException();

    /// <summary>A signed-in user holding one of <paramref name="anyOf"/>.</summary>
    public CallerIdentity Require(ServerCallContext context, params Role[] anyOf) => throw new NotImplementedException();

    /// <summary>The secretariat, or a participant of the delegation of <paramref name="memberCityId"/> to <paramref name="assemblyId"/>.</summary>
    public CallerIdentity RequireDelegation(ServerCallContext context, string assemblyId, string memberCityId) => throw new NotImplementedException();
}
