using System.Security.Claims;
using Google.Protobuf;
using Microsoft.AspNetCore.Components.Authorization;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grpc;

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
/// How screens call the system: the gRPC services' own handlers, in-process (<see cref="LocalCalls"/>), with the
/// signed-in user's bearer token, so the same authorization, validation and grains decide as for any gRPC client.
/// </summary>
public sealed class WebApi(LocalCalls calls, AuthenticationStateProvider authState)
{
    public async Task<WebUser> UserAsync() => WebUser.From((await authState.GetAuthenticationStateAsync()).User);

    public async Task<TResponse> Call<TService, TRequest, TResponse>(string method, TRequest request, CancellationToken cancellationToken = default)
        where TService : class, IGrpcService
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        await calls.UnaryAsync<TService, TRequest, TResponse>(method, request, await CallerAsync(), cancellationToken);

    /// <summary>
    /// Follows a server stream until it ends or <paramref name="cancellationToken"/> fires. A transient failure
    /// (UNAVAILABLE, for example the database restarting) is reported through <paramref name="onProblem"/> and the
    /// watch starts again after a pause, so live views come back by themselves; any other failure ends it.
    /// </summary>
    public async Task Watch<TService, TRequest, TResponse>(
        string method, TRequest request, Func<TResponse, Task> onMessage, Func<RpcException?, Task> onProblem, CancellationToken cancellationToken)
        where TService : class, IGrpcService
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var caller = await CallerAsync();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await calls.ServerStreamingAsync<TService, TRequest, TResponse>(method, request, async message =>
                {
                    await onProblem(null);
                    await onMessage(message);
                }, caller, cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Aborted or StatusCode.Unknown)
            {
                await onProblem(e);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (RpcException e)
            {
                await onProblem(e);
                return;
            }
        }
    }

    private async Task<LocalCaller> CallerAsync() => new((await UserAsync()).Token, "web");
}
