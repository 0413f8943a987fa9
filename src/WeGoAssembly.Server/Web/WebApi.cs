using System.Security.Claims;
using Grpc.Core;
using Microsoft.AspNetCore.Components.Authorization;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Web;

/// <summary>The signed-in user of a page, as the sign-in cookie carries them (see <see cref="WebSignIn"/>).</summary>
public sealed record WebUser(string DisplayName, IReadOnlySet<Role> Roles, ParticipantRef? Participant, string? Token)
{
    public static WebUser From(ClaimsPrincipal principal)
    {
        var roles = principal.FindAll(ClaimTypes.Role).Select(c => Enum.Parse<Role>(c.Value)).ToHashSet();
        var participant = principal.FindFirst(WebSignIn.ParticipantClaim)?.Value is { Length: > 0 } id
            ? new ParticipantRef(id, principal.FindFirst(WebSignIn.AssemblyClaim)!.Value, principal.FindFirst(WebSignIn.MemberCityClaim)!.Value,
                principal.Identity?.Name ?? "")
            : null;
        return new(principal.Identity?.Name ?? "", roles, participant, principal.FindFirst(WebSignIn.TokenClaim)?.Value);
    }
}

/// <summary>
/// How screens call the system: the same use-case classes the gRPC services call, with a <see cref="CallContext"/>
/// made from the signed-in user's token by the same <see cref="AccessCheck"/>, so the same roles, scopes and
/// validation decide as for any gRPC client, and a disabled account or rejected participant is refused here too.
/// </summary>
public sealed class WebApi(
    AuthenticationStateProvider authState, AccessCheck access,
    MembershipUseCases membership, AssemblyUseCases assembly, AccreditationUseCases accreditation, AuthUseCases auth,
    AuditUseCases audit, AgendaUseCases agenda, VotingUseCases voting, FloorUseCases floor, DisplayUseCases display, MotionUseCases motion, LogisticsUseCases logistics, NotificationUseCases notifications,
    DocumentUseCases documents)
{
    public MembershipUseCases Membership => membership;
    public AssemblyUseCases Assembly => assembly;
    public AccreditationUseCases Accreditation => accreditation;
    public AuthUseCases Auth => auth;
    public AuditUseCases Audit => audit;
    public AgendaUseCases Agenda => agenda;
    public VotingUseCases Voting => voting;
    public FloorUseCases Floor => floor;
    public DisplayUseCases Display => display;
    public MotionUseCases Motion => motion;
    public LogisticsUseCases Logistics => logistics;
    public NotificationUseCases Notifications => notifications;
    public DocumentUseCases Documents => documents;

    public async Task<WebUser> UserAsync() => WebUser.From((await authState.GetAuthenticationStateAsync()).User);

    /// <summary>The signed-in user as a use case sees them, for one call that ends with <paramref name="cancellationToken"/>.</summary>
    public async Task<CallContext> Caller(CancellationToken cancellationToken) =>
        await access.ContextAsync((await UserAsync()).Token, "web", cancellationToken);

    /// <summary>The refusal a gRPC client would get for <paramref name="exception"/>, or null when it is not one.</summary>
    public static RpcException? AsRefusal(Exception exception) => exception switch
    {
        RpcException e => e,
        _ when DomainStatus.Map(exception) is { } status => new RpcException(status),
        _ => null,
    };

    /// <summary>
    /// Follows a server stream until it ends or <paramref name="cancellationToken"/> fires. A transient failure
    /// (UNAVAILABLE, for example the database restarting) is reported through <paramref name="onProblem"/> and the
    /// watch starts again after a pause, so live views come back by themselves; any other failure ends it.
    /// </summary>
    public async Task Watch<TResponse>(
        Func<IServerStreamWriter<TResponse>, CallContext, Task> watch, Func<TResponse, Task> onMessage, Func<RpcException?, Task> onProblem,
        CancellationToken cancellationToken)
    {
        var writer = new CallbackWriter<TResponse>(async message =>
        {
            await onProblem(null);
            await onMessage(message);
        }, cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await watch(writer, await Caller(cancellationToken));
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (AsRefusal(e) is { } refusal)
            {
                await onProblem(refusal);
                if (refusal.StatusCode is not (StatusCode.Unavailable or StatusCode.Aborted or StatusCode.Unknown))
                    return;
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>A stream's messages handed to the page as the use case writes them.</summary>
    private sealed class CallbackWriter<T>(Func<T, Task> onMessage, CancellationToken cancellationToken) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(T message, CancellationToken token)
        {
            cancellationToken.ThrowIfCancellationRequested();
            token.ThrowIfCancellationRequested();
            return onMessage(message);
        }
    }
}
