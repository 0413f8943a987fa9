using Microsoft.AspNetCore.Authorization;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Web;

/// <summary>
/// Files as browser downloads: plain GETs (a file needs a response of its own, which an interactive page cannot give)
/// that return exactly the use case's bytes, called with the signed-in user's token, so the use case's own access
/// rules decide (a refusal is its message with the matching HTTP status).
/// </summary>
public static class Downloads
{
    public static void MapDownloads(this WebApplication app)
    {
        app.MapGet("/logistics/manifest.csv", (HttpContext http, LogisticsUseCases logistics, AccessCheck access, string? visit, string? vehicle) =>
            FileAsync(http, access, async context =>
            {
                var export = await logistics.ExportManifest(new() { SiteVisitId = visit ?? "", VehicleId = vehicle ?? "" }, context);
                var name = (visit ?? "manifest") + (vehicle is { Length: > 0 } ? "." + vehicle : "") + ".csv";
                return Results.File(export.Csv.ToByteArray(), "text/csv; charset=utf-8", name);
            })).RequireAuthorization(new AuthorizeAttribute { Roles = "Logistics,Secretariat" });

        // A participant's documents, photo and data export: the person, their focal point and the secretariat.
        app.MapGet("/documents/{participantId}/{kind}.pdf", (HttpContext http, DocumentUseCases documents, AccessCheck access, string participantId, string kind) =>
            FileAsync(http, access, async context =>
            {
                var document = await documents.GetDocument(new() { ParticipantId = participantId, Kind = KindOf(kind) }, context);
                return Results.File(document.Pdf.ToByteArray(), "application/pdf", document.FileName);
            })).RequireAuthorization();
        app.MapGet("/documents/{participantId}/photo.jpg", (HttpContext http, DocumentUseCases documents, AccessCheck access, string participantId) =>
            FileAsync(http, access, async context =>
                Results.File((await documents.GetPhoto(new() { ParticipantId = participantId }, context)).Jpeg.ToByteArray(), "image/jpeg"))).RequireAuthorization();
        app.MapGet("/documents/{participantId}/personal-data.json", (HttpContext http, DocumentUseCases documents, AccessCheck access, string participantId) =>
            FileAsync(http, access, async context =>
            {
                var export = await documents.ExportPersonalData(new() { ParticipantId = participantId }, context);
                return Results.File(export.Json.ToByteArray(), "application/json; charset=utf-8", export.FileName);
            })).RequireAuthorization();
    }

    /// <summary>The file path segment of each document kind, as the pages link them.</summary>
    public static string Segment(DocumentKind kind) => kind switch
    {
        DocumentKind.Confirmation => "confirmation",
        DocumentKind.Badge => "badge",
        DocumentKind.VisaLetter => "visa-letter",
        DocumentKind.Certificate => "certificate",
        _ => "unknown",
    };

    private static DocumentKind KindOf(string segment) =>
        Enum.GetValues<DocumentKind>().FirstOrDefault(k => k != DocumentKind.Unspecified && Segment(k) == segment);

    private static async Task<IResult> FileAsync(HttpContext http, AccessCheck access, Func<CallContext, Task<IResult>> file)
    {
        // Personal data and documents: kept by no browser cache or proxy.
        http.Response.Headers.CacheControl = "no-store";
        try
        {
            return await file(await access.ContextAsync(WebUser.From(http.User).Token, WebSignIn.Peer(http), http.RequestAborted));
        }
        catch (Exception failure) when (WebApi.AsRefusal(failure) is { } e)
        {
            return Results.Text(Lang.Explain(e), "text/plain; charset=utf-8", statusCode: e.StatusCode switch
            {
                StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
                StatusCode.NotFound => StatusCodes.Status404NotFound,
                StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
                StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
                StatusCode.FailedPrecondition => StatusCodes.Status409Conflict,
                StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status503ServiceUnavailable,
            });
        }
    }
}
