using System.Diagnostics;
using SkiaSharp;
using WeGoAssembly.Bench;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Documents;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Server.Documents;

// The four documents of one participant, drawn by the server's own renderer from a fixed sample: milliseconds and KiB
// per document (one core), and the text pdftotext reads back, which must hold both scripts and the reference.
// With --png <folder>, each first page is also written as a PNG (pdftoppm), as the README shows them.
Console.WriteLine(Machine.Describe());
var png = args.SkipWhile(a => a != "--png").Skip(1).FirstOrDefault();
const int Runs = 200;

var now = new DateTimeOffset(2026, 9, 1, 9, 0, 0, TimeSpan.Zero);
var participant = new Participant("ga-2026.seoul.p3", "ga-2026", "seoul", "길동", "홍", "Director-General", "Seoul Metropolitan Government", "gildong@seoul.example.org",
    ParticipantRole.VotingDelegate, true, AccreditationStatus.BadgeIssued, "", "GA26-0042", PresenceStatus.CheckedIn, now, now);
var city = new MemberCity("seoul", "Seoul", "서울", "KR", MemberCategory.Full, 2025, MemberStatus.Active, false, now);
var assembly = new Assembly("ga-2026", "WeGO 7th General Assembly", "Seoul City Hall", 2026, "Asia/Seoul", new DateOnly(2026, 9, 8), new DateOnly(2026, 9, 10), null!, false, now);
var letter = new VisaLetter(VisaLetterStatus.Issued, "WEGO-GA-2026-SEOUL-P3-1", now, "staff:admin", now, "", "", [], 1);
var file = new PersonalFile(participant.Id, new PersonalDetails("Gil-dong", "Hong", "", "", new Passport("M12345678", "KOR", new DateOnly(1980, 4, 23), new DateOnly(2031, 1, 31))),
    true, letter, now);
var source = new DocumentSource(participant, city, assembly, file, Photo(), Attended: true, "WGB1-bench0badge0code0abcdefghij",
    "https://ga.example.org/verify/ga-2026.seoul.p3.bench-verification-code-0123456789abcdefghijk", new DateOnly(2026, 9, 11));

var failed = false;
foreach (var kind in Enum.GetValues<DocumentKind>())
{
    var pdf = PdfRenderer.Render(kind, source);   // warm-up
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < Runs; i++)
        pdf = PdfRenderer.Render(kind, source);
    var path = Path.Combine(Path.GetTempPath(), $"wego-bench-{kind}.pdf");
    await File.WriteAllBytesAsync(path, pdf);
    var text = await Run("pdftotext", "-enc", "UTF-8", path, "-");
    var wanted = new[] { "길동 홍", "Gil-dong HONG" }.Concat(kind == DocumentKind.VisaLetter ? ["WEGO-GA-2026-SEOUL-P3-1", "초청장"] : []).ToArray();
    var missing = wanted.Where(w => !text.Contains(w)).ToArray();
    failed |= missing.Length > 0;
    Console.WriteLine($"{kind,-13} {clock.Elapsed.TotalMilliseconds / Runs,6:0.0} ms per document  {pdf.Length / 1024.0,5:0} KiB  " +
        (missing.Length == 0 ? $"text read back: {string.Join(", ", wanted)}" : $"MISSING from the text: {string.Join(", ", missing)}"));
    if (png is not null)
        await Run("pdftoppm", "-r", kind == DocumentKind.Badge ? "110" : "80", "-png", "-singlefile", path, Path.Combine(png, $"document-{kind.ToString().ToLowerInvariant()}"));
}
return failed ? 1 : 0;

static async Task<string> Run(string tool, params string[] arguments)
{
    var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true };
    foreach (var a in arguments)
        start.ArgumentList.Add(a);
    using var process = Process.Start(start)!;
    var output = await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    return output;
}

// A plain drawn portrait, as an upload leaves it: JPEG at 600 × 800.
static byte[] Photo()
{
    using var bitmap = new SKBitmap(600, 800);
    using (var canvas = new SKCanvas(bitmap))
    using (var paint = new SKPaint { Color = new SKColor(0x40, 0x50, 0x60), IsAntialias = true })
    {
        canvas.Clear(new SKColor(0x9a, 0xb8, 0xd0));
        canvas.DrawCircle(300, 300, 150, paint);
        canvas.DrawOval(300, 750, 260, 260, paint);
    }
    using var image = SKImage.FromBitmap(bitmap);
    return image.Encode(SKEncodedImageFormat.Jpeg, 88).ToArray();
}
