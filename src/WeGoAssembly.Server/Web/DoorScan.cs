using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Server.Auth;
using ZXing;
using ZXing.Common;

namespace WeGoAssembly.Server.Web;

/// <summary>
/// Reads a badge's QR code from a camera frame or a photo, for door browsers without a barcode detector of their own
/// (chromium on Linux and Windows, Firefox): the page sends the image's grey levels, one byte per pixel, and gets the
/// text back. It only reads; checking in is the CheckIn call the page makes with that text, as any client would.
/// </summary>
public static class DoorScan
{
    /// <summary>Largest frame accepted: 1920 × 1080, more than a QR code at arm's length needs.</summary>
    public const int MaxPixels = 1920 * 1080;

    public static void MapDoorScan(this WebApplication app) =>
        app.MapPost("/door/read-qr", async (HttpContext http, AccessCheck access, int width, int height, bool? thorough) =>
        {
            // The same check as every screen's: a disabled account is refused at once, not when its cookie ends.
            var caller = await access.ContextAsync(WebUser.From(http.User).Token, WebSignIn.Peer(http), http.RequestAborted);
            if (caller.Identity is null)
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            if (!caller.Identity.Roles.Overlaps([Role.Secretariat, Role.Logistics]))
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            if (width is < 21 or > 4096 || height is < 21 or > 4096 || (long)width * height > MaxPixels)
                return Results.Text($"width × height must be from 21 × 21 to {MaxPixels:N0} pixels.", statusCode: StatusCodes.Status400BadRequest);
            var grey = new byte[width * height];
            var read = 0;
            while (read < grey.Length && await http.Request.Body.ReadAsync(grey.AsMemory(read), http.RequestAborted) is var n and > 0)
                read += n;
            if (read != grey.Length || await http.Request.Body.ReadAsync(new byte[1], http.RequestAborted) != 0)
                return Results.Text($"The body must hold exactly width × height = {grey.Length:N0} bytes.", statusCode: StatusCodes.Status400BadRequest);
            return Results.Json(new { text = Read(grey, width, height, thorough == true) });
        }).RequireAuthorization(new AuthorizeAttribute { Roles = "Logistics,Secretariat" });

    /// <summary>
    /// The text of the QR code in the image, or null when none can be read. <paramref name="thorough"/> (a photo, read
    /// once) looks harder; camera frames, several a second per door, do not, to spare the nodes' CPU.
    /// </summary>
    public static string? Read(byte[] grey, int width, int height, bool thorough)
    {
        var reader = new BarcodeReaderGeneric
        {
            Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = thorough },
        };
        return reader.Decode(new RGBLuminanceSource(grey, width, height, RGBLuminanceSource.BitmapFormat.Gray8))?.Text;
    }
}
