using System.Runtime.CompilerServices;
using Grpc.Core;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Server.Auth;

/// <summary>
/// Who is calling: the identity a valid bearer token carries. Actor is what the audit log records:
/// "staff:&lt;user name&gt;" or "participant:&lt;participant id&gt;".
/// </summary>
public sealed record CallerIdentity(string Actor, IReadOnlySet<Role> Roles, string DisplayName, ParticipantRef? Participant);

/// <summary>
/// One call of a use case, from a gRPC client or a web screen: who calls (null when the sign-in was refused, with
/// <see cref="Refusal"/> saying why), from which address, and when the caller gave up. Every role and scope check
/// of the application layer asks it, so both paths answer the same UNAUTHENTICATED and PERMISSION_DENIED with the
/// same words. The rpc name in a refusal is the use-case method's own (<see cref="CallerMemberNameAttribute"/>).
/// </summary>
public sealed record CallContext(CallerIdentity? Identity, string? Refusal, string Peer, CancellationToken CancellationToken)
{
    public const string SignInFirst = "Sign in first: send 'authorization: Bearer <token>' from SignIn or RedeemAccessCode.";

    /// <summary>Any signed-in user.</summary>
    public CallerIdentity Authenticated() =>
        Identity ?? throw new RpcException(new Status(StatusCode.Unauthenticated, Refusal ?? SignInFirst));

    /// <summary>A signed-in user holding <paramref name="role"/>.</summary>
    public CallerIdentity Require(Role role, [CallerMemberName] string rpc = "") => Require([role], rpc);

    /// <summary>A signed-in user holding <paramref name="role"/> or <paramref name="other"/>.</summary>
    public CallerIdentity Require(Role role, Role other, [CallerMemberName] string rpc = "") => Require([role, other], rpc);

    /// <summary>A signed-in user holding one of <paramref name="anyOf"/>.</summary>
    public CallerIdentity Require(IReadOnlyList<Role> anyOf, [CallerMemberName] string rpc = "")
    {
        var caller = Authenticated();
        if (anyOf.Any(caller.Roles.Contains))
            return caller;
        throw PermissionDenied(NeedsRole(rpc, anyOf.Select(r => r.ToString()), caller));
    }

    /// <summary>The PERMISSION_DENIED message for a caller without the role an rpc needs (also the gRPC edge's, for its [Authorize] roles).</summary>
    public static string NeedsRole(string rpc, IEnumerable<string> anyOf, CallerIdentity caller) =>
        $"{rpc} needs the {string.Join(" or ", anyOf)} role; {Describe(caller)}.";

    /// <summary>A signed-in user holding one of <paramref name="anyOf"/>, or the participant <paramref name="participantId"/> themselves.</summary>
    public CallerIdentity RequireSelfOr(string participantId, IReadOnlyList<Role> anyOf, [CallerMemberName] string rpc = "")
    {
        var caller = Authenticated();
        if (anyOf.Any(caller.Roles.Contains)
            || (caller.Roles.Contains(Role.Participant) && caller.Participant is { } self && self.ParticipantId == participantId.Trim()))
            return caller;
        throw PermissionDenied($"{rpc} for {TextRules.Shorten(participantId.Trim())} needs the {string.Join(" or ", anyOf)} role, " +
            $"or to be that participant; you are signed in as {caller.Actor}.");
    }

    /// <summary>A signed-in user holding <paramref name="role"/>, or the participant <paramref name="participantId"/> themselves.</summary>
    public CallerIdentity RequireSelfOr(string participantId, Role role, [CallerMemberName] string rpc = "") =>
        RequireSelfOr(participantId, [role], rpc);

    /// <summary>The secretariat, or a participant or the focal point of the delegation of <paramref name="memberCityId"/> to <paramref name="assemblyId"/>.</summary>
    public CallerIdentity RequireDelegation(string assemblyId, string memberCityId, [CallerMemberName] string rpc = "")
    {
        var caller = Authenticated();
        if (caller.Roles.Contains(Role.Secretariat))
            return caller;
        if ((caller.Roles.Contains(Role.Participant) || caller.Roles.Contains(Role.FocalPoint)) && caller.Participant is { } p
            && string.Equals(p.AssemblyId, assemblyId, StringComparison.Ordinal)
            && string.Equals(p.MemberCityId, memberCityId, StringComparison.Ordinal))
            return caller;
        throw PermissionDenied(
            $"{rpc} needs the Secretariat role or a participant of the delegation of \"{memberCityId}\" to \"{assemblyId}\"; {Describe(caller)}.");
    }

    /// <summary>The secretariat, or the focal point of the delegation of <paramref name="memberCityId"/> to <paramref name="assemblyId"/>.</summary>
    public CallerIdentity RequireFocalPoint(string assemblyId, string memberCityId, [CallerMemberName] string rpc = "")
    {
        var caller = Authenticated();
        if (caller.Roles.Contains(Role.Secretariat)
            || (caller.Roles.Contains(Role.FocalPoint) && caller.Participant is { } p
                && string.Equals(p.AssemblyId, assemblyId.Trim(), StringComparison.Ordinal) && string.Equals(p.MemberCityId, memberCityId.Trim(), StringComparison.Ordinal)))
            return caller;
        throw PermissionDenied(
            $"{rpc} needs the Secretariat role or the focal point of the delegation of \"{memberCityId}\" to \"{assemblyId}\"; {Describe(caller)}.");
    }

    /// <summary>
    /// Who may read and change a participant's personal data (passport, photo, documents): the person, the focal point of
    /// their delegation, or the secretariat.
    /// </summary>
    public CallerIdentity RequirePersonalData(string participantId, [CallerMemberName] string rpc = "")
    {
        var caller = Authenticated();
        var id = participantId.Trim();
        if (caller.Roles.Contains(Role.Secretariat)
            || (caller.Roles.Contains(Role.Participant) && caller.Participant is { } self && self.ParticipantId == id)
            || (caller.Roles.Contains(Role.FocalPoint) && caller.Participant is { } focal && id.StartsWith($"{focal.AssemblyId}.{focal.MemberCityId}.", StringComparison.Ordinal)))
            return caller;
        throw PermissionDenied($"{rpc} for {TextRules.Shorten(id)} needs the Secretariat role, the participant themselves, " +
            $"or the focal point of their delegation; you are signed in as {caller.Actor}.");
    }

    /// <summary>Staff, or a participant of <paramref name="assemblyId"/>: who may follow an assembly's floor and motions.</summary>
    public CallerIdentity RequireOfAssembly(string assemblyId, [CallerMemberName] string rpc = "")
    {
        var caller = Authenticated();
        if (caller.Participant is { } self && self.AssemblyId != assemblyId)
            throw PermissionDenied($"{rpc} for an item of {assemblyId} needs a staff role or a participant of {assemblyId}; you are a participant of {self.AssemblyId}.");
        return caller;
    }

    private static string Describe(CallerIdentity caller) => caller.Participant is { } p
        ? $"you are signed in as {caller.Actor}, {(caller.Roles.Contains(Role.FocalPoint) ? "the focal point" : "a participant")} of the delegation of \"{p.MemberCityId}\" to \"{p.AssemblyId}\""
        : $"you are signed in as {caller.Actor} with the {string.Join(" and ", caller.Roles.Order())} role{(caller.Roles.Count == 1 ? "" : "s")}";

    private static RpcException PermissionDenied(string message) => new(new Status(StatusCode.PermissionDenied, message));
}
