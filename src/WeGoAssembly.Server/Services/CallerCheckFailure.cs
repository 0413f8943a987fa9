using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// A gRPC call that fails before its service runs — while its caller is checked, which asks the caller's grains, on
/// whichever node holds them — ends with the status the service would have given (UNAVAILABLE when that node has just
/// died or the database is unreachable), not an HTTP 500 that clients see as "Bad gRPC response".
/// </summary>
public static partial class CallerCheckFailure
{
    public static void UseCallerCheckFailureAnswer(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CallerCheckFailure).FullName!);
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (Exception exception) when (BearerAuthentication.IsGrpc(http.Request) && !http.Response.HasStarted && DomainStatus.Map(exception) is { } status)
            {
                Failed(logger, exception, http.Request.Path, status.StatusCode);
                await BearerAuthentication.RefuseAsync(http, status.StatusCode, status.Detail);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} failed before its service ran (checking its caller) and ends {Status}")]
    private static partial void Failed(ILogger logger, Exception exception, string path, Grpc.Core.StatusCode status);
}
