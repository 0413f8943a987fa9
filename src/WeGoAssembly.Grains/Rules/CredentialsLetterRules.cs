using WeGoAssembly.Contracts;

namespace WeGoAssembly.Grains.Rules;

/// <summary>
/// What a credentials letter may be: a PDF, PNG or JPEG file of at most 5 MiB, its type read from the
/// first bytes of the content (the file's magic number), never from its name. A name, when it has an
/// extension, must agree with the content, so that a mislabelled file is caught at upload, not at review.
/// </summary>
public static class CredentialsLetterRules
{
    public const long MaxBytes = 5 * 1024 * 1024;
    public const int MaxFileNameLength = 255;
    public const string Pdf = "application/pdf", Png = "image/png", Jpeg = "image/jpeg";

    /// <summary>The media type the content starts like, or null when it is none of PDF, PNG and JPEG.</summary>
    public static string? Detect(ReadOnlySpan<byte> content) =>
        content.StartsWith("%PDF-"u8) ? Pdf
        : content.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]) ? Png
        : content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? Jpeg
        : null;

    /// <summary>The media type an extension names, or null for an extension that names none of the three.</summary>
    public static string? TypeOfExtension(string extension) => extension.ToLowerInvariant() switch
    {
        ".pdf" => Pdf,
        ".png" => Png,
        ".jpg" or ".jpeg" or ".jpe" or ".jfif" => Jpeg,
        _ => null,
    };

    /// <summary>Checks a letter; returns its media type and cleaned file name, or throws INVALID_ARGUMENT saying what is wrong.</summary>
    public static (string ContentType, string FileName) Check(ReadOnlySpan<byte> content, string? fileName)
    {
        var errors = new List<FieldError>();
        var name = TextRules.Text("file_name", fileName, MaxFileNameLength, required: false, errors);
        DomainErrors.ThrowIfAny(errors);
        if (content.Length == 0)
            throw DomainException.Invalid("content", "The letter is empty; attach the signed letter as a PDF, PNG or JPEG file.");
        if (content.Length > MaxBytes)
            throw DomainException.Invalid("content", $"The letter is {content.Length:N0} bytes; at most {MaxBytes:N0} (5 MiB) are allowed. Scan it at a lower resolution or save it as PDF.");
        var type = Detect(content)
            ?? throw DomainException.Invalid("content", "The letter is not a PDF, PNG or JPEG file (its content starts like none of them); save or scan it in one of those formats.");
        var extension = Path.GetExtension(name);
        if (extension.Length > 0 && TypeOfExtension(extension) != type)
            throw DomainException.Invalid("file_name", $"The file is named \"{TextRules.Shorten(name)}\" but its content is {Describe(type)}; rename it or upload the intended file.");
        return (type, name);
    }

    private static string Describe(string type) => type switch
    {
        Pdf => "a PDF document",
        Png => "a PNG image",
        _ => "a JPEG image",
    };
}
