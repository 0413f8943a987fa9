using PdfSharp.Fonts;

namespace WeGoAssembly.Server.Documents;

/// <summary>
/// The one typeface of our PDFs: NanumGothic, embedded in the server, so Korean and Latin print alike
/// on any machine. PDFsharp embeds the subset a document uses, with its Unicode map, so text extracts as typed.
/// </summary>
public sealed class PdfFonts : IFontResolver
{
    public const string Family = "NanumGothic";

    private static readonly Lazy<byte[]> Regular = new(() => Load("NanumGothic.ttf"));
    private static readonly Lock Gate = new();

    /// <summary>Installs the resolver once per process (PDFsharp's setting is global and may be set only once).</summary>
    public static bool Install()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not PdfFonts)
                GlobalFontSettings.FontResolver = new PdfFonts();
            return true;
        }
    }

    // One face, bold simulated: each embedded face costs about 60 KiB (its hinting tables go whole into the subset), and
    // the documents of 10,000 people are kept.
    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) => new("regular", mustSimulateBold: bold, mustSimulateItalic: false);

    public byte[] GetFont(string faceName) => Regular.Value;

    private static byte[] Load(string file)
    {
        using var stream = typeof(PdfFonts).Assembly.GetManifestResourceStream(file)
            ?? throw new InvalidOperationException($"The font {file} is not embedded in the server.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
