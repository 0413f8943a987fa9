using Microsoft.AspNetCore.Authorization;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Web;

/// <summary>
/// The manifest CSV as a browser download: a plain GET (a file needs a response of its own, which an interactive
/// page cannot give) that returns exactly ExportManifest's bytes, called with the signed-in user's token.
/// </summary>
public static class LogisticsDownloads
{
    public static void MapLogisticsDownloads(this WebApplication app) =>
        app.MapGet("/logistics/manifest.csv", async (HttpContext http, LogisticsUseCases logistics, AccessCheck access, string? visit, string? vehicle) =>
        {
            try
            {
                var export = await logistics.ExportManifest(new() { SiteVisitId = visit ?? "", VehicleId = vehicle ?? "" },
                    await access.ContextAsync(WebUser.From(http.User).Token, WebSignIn.Peer(http), http.RequestAborted));
                var name = (visit ?? "manifest") + (vehicle is { Length: > 0 } ? "." + vehicle : "") + ".csv";
                return Results.File(export.Csv.ToByteArray(), "text/csv; charset=utf-8", name);
            }
            catch (Exception failure) when (WebApi.AsRefusal(failure) is { } e)
            {
                return Results.Text(Lang.Explain(e), "text/plain; charset=utf-8", statusCode: e.StatusCode switch
                {
                    StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
                    StatusCode.NotFound => StatusCodes.Status404NotFound,
                    StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
                    StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
                    _ => StatusCodes.Status503ServiceUnavailable,
                });
            }
        }).RequireAuthorization(new AuthorizeAttribute { Roles = "Logistics,Secretariat" });
}
