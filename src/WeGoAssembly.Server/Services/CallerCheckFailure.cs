using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// A gRPC call that fails before its service runs — while its caller is checked, which asks the caller's grains, on
/// whichever node holds them — ends with the status the service would have given (UNAVAILABLE when that node has just
/// died or the database is unreachable), not an HTTP 500 that clients see as "Bad gRPC response".
/// </summary>
public static class CallerCheckFailure
{
    public static void UseCallerCheckFailureAnswer(this WebApplication app) => app.Use(async (http, next) =>
    {
        try
        {
            await next(http);
        }
        catch (Exception exception) when (BearerAuthentication.IsGrpc(http.Request) && !http.Response.HasStarted && DomainStatus.Map(exception) is { } status)
        {
            await BearerAuthentication.RefuseAsync(http, status.StatusCode, status.Detail);
        }
    });
}
