using System.Security.Claims;
using System.Text.Encodings.Web;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace WeGoAssembly.Server.Auth;

/// <summary>The caller as ASP.NET Core sees them: one role claim per role, and the identity the use cases read.</summary>
public sealed class CallerClaimsIdentity(CallerIdentity caller)
    : ClaimsIdentity(caller.Roles.Select(r => new Claim(DefaultRoleClaimType, r.ToString())).Prepend(new Claim(DefaultNameClaimType, caller.Actor)),
        BearerAuthentication.Scheme)
{
    public CallerIdentity Caller { get; } = caller;
}

public static class BearerAuthentication
{
    public const string Scheme = "Bearer";

    /// <summary>The default scheme: the bearer token for gRPC and gRPC-Web calls, the sign-in cookie for pages.</summary>
    public const string ByRequest = "BearerOrCookie";

    /// <summary>A gRPC or gRPC-Web call (as opposed to a page, a download or /healthz).</summary>
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;

    /// <summary>The use cases' view of a gRPC call: the caller the bearer handler authenticated (none on [AllowAnonymous] rpcs).</summary>
    public static CallContext ToCallContext(this ServerCallContext context) =>
        new((context.GetHttpContext().User.Identity as CallerClaimsIdentity)?.Caller, null, context.Peer, context.CancellationToken);

    /// <summary>
    /// Ends a refused gRPC or gRPC-Web call as trailers-only, with a status and message a person can act on (a bare
    /// HTTP 401 would reach clients as "Bad gRPC response. HTTP status code: 401").
    /// </summary>
    public static Task RefuseAsync(HttpContext http, StatusCode code, string message)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = http.Request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.Ordinal)
            ? type.Split(';')[0] : "application/grpc";
        http.Response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["grpc-message"] = PercentEncoded(message);
        return Task.CompletedTask;
    }

    /// <summary>grpc-message as the gRPC spec writes it: printable ASCII but '%' as is, every other UTF-8 byte as %XX.</summary>
    private static string PercentEncoded(string message)
    {
        var text = new System.Text.StringBuilder(message.Length);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(message))
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
                text.Append((char)b);
            else
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        return text.ToString();
    }
}

/// <summary>
/// ASP.NET Core authentication for the gRPC services: "authorization: Bearer &lt;token&gt;" becomes the caller
/// (<see cref="AccessCheck"/>), and a call to an [Authorize] service without one ends UNAUTHENTICATED with the
/// reason, before its request is looked at.
/// </summary>
public sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccessCheck access)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var outcome = await access.ResolveHeaderAsync(Request.Headers.Authorization);
        if (outcome.Identity is { } caller)
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new CallerClaimsIdentity(caller)), Scheme.Name));
        return outcome.Refusal is { } refusal ? AuthenticateResult.Fail(refusal) : AuthenticateResult.NoResult();
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await BearerAuthentication.RefuseAsync(Context, StatusCode.Unauthenticated, result.Failure?.Message ?? CallContext.SignInFirst);
    }

    /// <summary>
    /// An rpc's [Authorize(Roles = …)] refused the caller: PERMISSION_DENIED in the words the use case's own check uses
    /// (the use cases check the same roles, for the web screens' path).
    /// </summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var endpoint = Context.GetEndpoint();
        var rpc = endpoint?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.Name ?? "This call";
        var roles = endpoint?.Metadata.GetOrderedMetadata<IAuthorizeData>().LastOrDefault(a => !string.IsNullOrEmpty(a.Roles))?.Roles?.Split(',') ?? [];
        var message = (Context.User.Identity as CallerClaimsIdentity)?.Caller is { } caller
            ? CallContext.NeedsRole(rpc, roles, caller)
            : $"{rpc} needs the {string.Join(" or ", roles)} role.";
        return BearerAuthentication.RefuseAsync(Context, StatusCode.PermissionDenied, message);
    }
}
