using Microsoft.AspNetCore.Authorization;
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
        app.MapPost("/door/read-qr", async (HttpContext http, int width, int height) =>
        {
            if (width is < 21 or > 4096 || height is < 21 or > 4096 || (long)width * height > MaxPixels)
                return Results.Text($"width × height must be from 21 × 21 to {MaxPixels:N0} pixels.", statusCode: StatusCodes.Status400BadRequest);
            var grey = new byte[width * height];
            var read = 0;
            while (read < grey.Length && await http.Request.Body.ReadAsync(grey.AsMemory(read), http.RequestAborted) is var n and > 0)
                read += n;
            if (read != grey.Length || await http.Request.Body.ReadAsync(new byte[1], http.RequestAborted) != 0)
                return Results.Text($"The body must hold exactly width × height = {grey.Length:N0} bytes.", statusCode: StatusCodes.Status400BadRequest);
            return Results.Json(new { text = Read(grey, width, height) });
        }).RequireAuthorization(new AuthorizeAttribute { Roles = "Logistics,Secretariat" });

    /// <summary>The text of the QR code in the image, or null when none can be read.</summary>
    public static string? Read(byte[] grey, int width, int height)
    {
        var reader = new BarcodeReaderGeneric
        {
            Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true },
        };
        return reader.Decode(new RGBLuminanceSource(grey, width, height, RGBLuminanceSource.BitmapFormat.Gray8))?.Text;
    }
}
