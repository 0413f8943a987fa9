using SkiaSharp;
using WeGoAssembly.Contracts;

namespace WeGoAssembly.Server.Documents;

/// <summary>
/// Checks an uploaded photo and re-encodes it with SkiaSharp: only JPEG and PNG are decoded, the size and the pixel
/// dimensions are bounded before and after decoding, and what is stored is a fresh JPEG with no metadata (no location,
/// no camera data, nothing a crafted file could carry on).
/// </summary>
public static class PhotoImages
{
    public const int MaxBytes = 5 * 1024 * 1024, MinWidth = 200, MinHeight = 250, MaxSide = 6000, StoredWidth = 600, StoredHeight = 800;

    public static (byte[] Jpeg, int Width, int Height) Reencode(ReadOnlySpan<byte> content)
    {
        if (content.Length == 0)
            throw DomainException.Invalid("content", "content is empty; send the photo as a JPEG or PNG file.");
        if (content.Length > MaxBytes)
            throw DomainException.Invalid("content", $"The photo is {content.Length / 1024.0 / 1024.0:0.0} MiB; at most {MaxBytes / 1024 / 1024} MiB are accepted. Send a smaller JPEG.");
        var isJpeg = content is [0xFF, 0xD8, 0xFF, ..];
        var isPng = content is [0x89, (byte)'P', (byte)'N', (byte)'G', ..];
        if (!isJpeg && !isPng)
            throw DomainException.Invalid("content", "The photo is neither JPEG nor PNG; save it as a JPEG or PNG and send it again.");

        using var data = SKData.CreateCopy(content);
        using var codec = SKCodec.Create(data)
            ?? throw DomainException.Invalid("content", "The photo could not be read; the file is damaged or not really a JPEG or PNG.");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width < MinWidth || height < MinHeight)
            throw DomainException.Invalid("content", $"The photo is {width} × {height} pixels; at least {MinWidth} × {MinHeight} are needed for a badge.");
        if (width > MaxSide || height > MaxSide)
            throw DomainException.Invalid("content", $"The photo is {width} × {height} pixels; at most {MaxSide} on each side are accepted.");
        using var decoded = SKBitmap.Decode(codec)
            ?? throw DomainException.Invalid("content", "The photo could not be decoded; the file is damaged.");

        // Scaled to fit 600 × 800, never enlarged.
        var scale = Math.Min(1.0, Math.Min((double)StoredWidth / width, (double)StoredHeight / height));
        var (w, h) = (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
        using var resized = scale < 1.0 ? decoded.Resize(new SKImageInfo(w, h), new SKSamplingOptions(SKCubicResampler.Mitchell)) : null;
        using var image = SKImage.FromBitmap(resized ?? decoded);
        using var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 88);
        return (jpeg.ToArray(), w, h);
    }
}
