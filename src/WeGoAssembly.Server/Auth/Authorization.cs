using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Rules;
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
public sealed class Authorization(BearerTokens tokens, TimeProvider clock)
{
    public const string SignInFirst = "Sign in first: send 'authorization: Bearer <token>' from SignIn or RedeemAccessCode.";

    /// <summary>Any signed-in user.</summary>
    public CallerIdentity Authenticated(ServerCallContext context)
    {
        var header = context.RequestHeaders.Authorization;
        if (header.Count == 0 || string.IsNullOrWhiteSpace(header[0]))
            throw Unauthenticated(SignInFirst);
        var value = header.Count == 1 ? header[0]!.Trim() : "";
        if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            throw Unauthenticated("The authorization metadata must be exactly one 'Bearer <token>'. " + SignInFirst);

        var reading = tokens.Read(value["Bearer ".Length..].Trim())
            ?? throw Unauthenticated("The bearer token is not valid (damaged, or not issued by this server); sign in again with SignIn or RedeemAccessCode.");
        if (reading.ExpiresAt <= clock.GetUtcNow())
            throw Unauthenticated($"The bearer token expired at {reading.ExpiresAt:yyyy-MM-dd HH:mm:ss} UTC; sign in again with SignIn or RedeemAccessCode.");
        return reading.Identity;
    }

    /// <summary>A signed-in user holding one of <paramref name="anyOf"/>.</summary>
    public CallerIdentity Require(ServerCallContext context, params Role[] anyOf)
    {
        var caller = Authenticated(context);
        if (anyOf.Any(caller.Roles.Contains))
            return caller;
        throw PermissionDenied($"{MethodName(context)} needs the {string.Join(" or ", anyOf)} role; {Describe(caller)}.");
    }

    /// <summary>A signed-in user holding one of <paramref name="anyOf"/>, or the participant <paramref name="participantId"/> themselves.</summary>
    public CallerIdentity RequireSelfOr(ServerCallContext context, string participantId, params Role[] anyOf)
    {
        var caller = Authenticated(context);
        if (anyOf.Any(caller.Roles.Contains)
            || (caller.Roles.Contains(Role.Participant) && caller.Participant is { } self && self.ParticipantId == participantId.Trim()))
            return caller;
        throw PermissionDenied($"{MethodName(context)} for {TextRules.Shorten(participantId.Trim())} needs the {string.Join(" or ", anyOf)} role, " +
            $"or to be that participant; you are signed in as {caller.Actor}.");
    }

    /// <summary>The secretariat, or a participant of the delegation of <paramref name="memberCityId"/> to <paramref name="assemblyId"/>.</summary>
    public CallerIdentity RequireDelegation(ServerCallContext context, string assemblyId, string memberCityId)
    {
        var caller = Authenticated(context);
        if (caller.Roles.Contains(Role.Secretariat))
            return caller;
        if (caller.Roles.Contains(Role.Participant) && caller.Participant is { } p
            && string.Equals(p.AssemblyId, assemblyId, StringComparison.Ordinal)
            && string.Equals(p.MemberCityId, memberCityId, StringComparison.Ordinal))
            return caller;
        throw PermissionDenied(
            $"{MethodName(context)} needs the Secretariat role or a participant of the delegation of \"{memberCityId}\" to \"{assemblyId}\"; {Describe(caller)}.");
    }

    private static string Describe(CallerIdentity caller) => caller.Participant is { } p
        ? $"you are signed in as {caller.Actor}, a participant of the delegation of \"{p.MemberCityId}\" to \"{p.AssemblyId}\""
        : $"you are signed in as {caller.Actor} with the {string.Join(" and ", caller.Roles.Order())} role{(caller.Roles.Count == 1 ? "" : "s")}";

    private static string MethodName(ServerCallContext context) =>
        context.Method.LastIndexOf('/') is var slash and >= 0 ? context.Method[(slash + 1)..] : context.Method;

    private static RpcException Unauthenticated(string message) => new(StatusCode.Unauthenticated, message);

    private static RpcException PermissionDenied(string message) => new(StatusCode.PermissionDenied, message);
}
