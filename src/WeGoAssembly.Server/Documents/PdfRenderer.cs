using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;
using QRCoder;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Documents;

namespace WeGoAssembly.Server.Documents;

/// <summary>
/// Lays out the official documents as PDF, every text in English and Korean: PDFsharp with the embedded NanumGothic
/// (<see cref="PdfFonts"/>). QR codes are drawn as vector squares, so they print sharp at any size.
/// </summary>
public static class PdfRenderer
{
    // First of the static fields: the fonts below are resolved when they are made.
    private static readonly bool FontsInstalled = PdfFonts.Install();
    private static readonly XFont Title = Font(18, bold: true), Heading = Font(12, bold: true), Body = Font(10.5), Small = Font(8.5);
    private static readonly XColor Ink = XColor.FromArgb(0x1b, 0x1f, 0x24), Muted = XColor.FromArgb(0x5b, 0x63, 0x6e), Brand = XColor.FromArgb(0x00, 0x5a, 0x9c);

    public static byte[] Render(DocumentKind kind, DocumentSource source)
    {
        var document = new PdfDocument();
        // Compressed: a QR code is hundreds of squares, and the documents of 10,000 people are kept.
        document.Options.CompressContentStreams = true;
        document.Options.FlateEncodeMode = PdfFlateEncodeMode.BestCompression;
        document.Info.Title = kind switch
        {
            DocumentKind.Confirmation => "Registration confirmation · 등록 확인서",
            DocumentKind.Badge => "Badge · 명찰",
            DocumentKind.VisaLetter => "Visa invitation letter · 비자 초청장",
            _ => "Certificate of attendance · 참석 증명서",
        };
        document.Info.Author = "WeGO General Assembly";
        var page = document.AddPage();
        if (kind == DocumentKind.Badge)
        {
            page.Width = XUnit.FromMillimeter(105);
            page.Height = XUnit.FromMillimeter(148);
        }
        else
        {
            page.Width = XUnit.FromMillimeter(210);
            page.Height = XUnit.FromMillimeter(297);
        }
        using (var g = XGraphics.FromPdfPage(page))
        {
            switch (kind)
            {
                case DocumentKind.Confirmation: Confirmation(g, page, source); break;
                case DocumentKind.Badge: Badge(g, page, source); break;
                case DocumentKind.VisaLetter: VisaLetter(g, page, source); break;
                default: Certificate(g, page, source); break;
            }
        }
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static void Confirmation(XGraphics g, PdfPage page, DocumentSource s)
    {
        var y = Letterhead(g, page, s, "Registration confirmation", "등록 확인서");
        var p = s.Participant;
        y = Fields(g, y, [
            ("Name · 성명", p.DisplayName),
            ("Name in Latin letters · 영문 성명", s.LatinName),
            ("Title · 직위", p.Title),
            ("Organisation · 소속", p.Organisation),
            ("Delegation · 대표단", s.CityName),
            ("Role · 역할", RoleName(p.Role) + (p.HeadOfDelegation ? " · Head of delegation · 대표단장" : "")),
            ("Accreditation · 등록 상태", StatusName(p.Status)),
            ("Registered · 등록일", p.RegisteredAt.ToString("yyyy-MM-dd")),
            ("Registration number · 등록 번호", p.Id),
        ]);
        Paragraph(g, page, y + 10,
            $"This confirms the registration of the person above for {s.Assembly.Title}, {s.Assembly.Venue}, {Dates(s)}. " +
            "Bring an identity document; the badge is issued by the secretariat once the accreditation is approved.",
            $"위 사람이 {s.Assembly.Title}({s.Assembly.Venue}, {Dates(s)})에 등록되었음을 확인합니다. " +
            "신분증을 지참하십시오. 명찰은 등록 승인 후 사무국이 발급합니다.");
    }

    private static void Badge(XGraphics g, PdfPage page, DocumentSource s)
    {
        var p = s.Participant;
        var width = page.Width.Point;
        var band = RoleColour(p.Role);
        g.DrawRectangle(new XSolidBrush(band), 0, 0, width, 46);
        g.DrawString(s.Assembly.Title, Font(10, bold: true), XBrushes.White, new XRect(12, 8, width - 24, 16), XStringFormats.TopLeft);
        g.DrawString("WeGO General Assembly · WeGO 총회", Font(7.5), XBrushes.White, new XRect(12, 26, width - 24, 12), XStringFormats.TopLeft);
        double top = 58;
        if (s.Photo is { } photo)
        {
            using var stream = new MemoryStream(photo);
            var image = XImage.FromStream(stream);
            var h = 110.0;
            var w = h * image.PixelWidth / image.PixelHeight;
            g.DrawImage(image, (width - w) / 2, top, w, h);
            top += h + 8;
        }
        Centred(g, width, ref top, p.DisplayName, Font(18, bold: true), Ink, 24);
        if (s.LatinName.Length > 0 && s.LatinName != p.DisplayName)
            Centred(g, width, ref top, s.LatinName, Font(11), Ink, 16);
        if (p.Title.Length > 0)
            Centred(g, width, ref top, p.Title, Font(8.5), Muted, 12);
        Centred(g, width, ref top, s.CityName, Font(11, bold: true), Brand, 18);
        g.DrawRectangle(new XSolidBrush(band), 0, top + 2, width, 20);
        g.DrawString(RoleName(p.Role), Font(9, bold: true), XBrushes.White, new XRect(0, top + 2, width, 20), XStringFormats.Center);
        var qrSize = 82.0;
        Qr(g, s.BadgeCode!, (width - qrSize) / 2, page.Height.Point - qrSize - 22, qrSize);
        g.DrawString(p.BadgeNumber, Font(8), new XSolidBrush(Muted), new XRect(0, page.Height.Point - 20, width, 12), XStringFormats.Center);
    }

    private static void VisaLetter(XGraphics g, PdfPage page, DocumentSource s)
    {
        var letter = s.File.VisaLetter!;
        var passport = s.File.Details.Passport!;
        var y = Letterhead(g, page, s, "Invitation letter", "초청장");
        y = Fields(g, y, [
            ("Reference · 문서 번호", letter.Reference),
            ("Date · 발행일", (letter.DecidedAt ?? letter.RequestedAt).ToString("yyyy-MM-dd")),
        ]);
        y = Paragraph(g, page, y + 8, "To whom it may concern,", "관계 기관 귀중");
        y = Fields(g, y + 4, [
            ("Name · 성명", s.LatinName),
            ("Name in own script · 본국 표기", s.Participant.DisplayName),
            ("Nationality · 국적", passport.Nationality),
            ("Passport number · 여권 번호", passport.Number),
            ("Date of birth · 생년월일", passport.DateOfBirth.ToString("yyyy-MM-dd")),
            ("Passport valid until · 여권 만료일", passport.ExpiresOn.ToString("yyyy-MM-dd")),
            ("Delegation · 대표단", s.CityName),
        ]);
        y = Paragraph(g, page, y + 8,
            $"WeGO, the World Smart Sustainable Cities Organization, invites the person named above to attend {s.Assembly.Title}, " +
            $"held at {s.Assembly.Venue} on {Dates(s)}, as {Article(RoleName(p: s.Participant.Role, korean: false))} of the delegation of {s.City.NameEn}. " +
            "We kindly ask you to grant the visa needed for this stay. This letter implies no financial obligation of WeGO.",
            $"세계스마트지속가능도시기구(WeGO)는 위 사람을 {s.City.NameEn} 대표단의 {AsKorean(RoleName(s.Participant.Role, korean: true))} " +
            $"{Dates(s)} {s.Assembly.Venue}에서 열리는 {s.Assembly.Title}에 초청합니다. 체류에 필요한 비자 발급을 요청드립니다. " +
            "이 초청장은 WeGO의 재정적 의무를 수반하지 않습니다.");
        var qrSize = 96.0;
        var qrTop = Math.Max(y + 16, page.Height.Point - qrSize - 90);
        Qr(g, s.VerificationUrl!, 56, qrTop, qrSize);
        var text = new XTextFormatter(g);
        text.DrawString(
            "Verify this letter · 초청장 진위 확인:\n" + s.VerificationUrl + "\n\nThe page shows whether the letter stands, the name, nationality and the passport number's last four characters.\n" +
            "확인 페이지는 초청장의 유효 여부, 성명, 국적, 여권 번호 끝 네 자리를 보여 줍니다.",
            Small, new XSolidBrush(Muted), new XRect(56 + qrSize + 16, qrTop, page.Width.Point - 56 * 2 - qrSize - 16, qrSize + 20), XStringFormats.TopLeft);
        g.DrawString("WeGO Secretariat · WeGO 사무국", Heading, new XSolidBrush(Ink), new XRect(56, page.Height.Point - 60, 300, 16), XStringFormats.TopLeft);
    }

    private static void Certificate(XGraphics g, PdfPage page, DocumentSource s)
    {
        var width = page.Width.Point;
        g.DrawRectangle(new XPen(Brand, 3), 28, 28, width - 56, page.Height.Point - 56);
        double y = 120;
        Centred(g, width, ref y, "Certificate of attendance", Font(26, bold: true), Brand, 36);
        Centred(g, width, ref y, "참석 증명서", Font(22, bold: true), Brand, 60);
        Centred(g, width, ref y, "This certifies that · 다음 사람이", Body, Muted, 30);
        Centred(g, width, ref y, s.Participant.DisplayName, Font(22, bold: true), Ink, 30);
        if (s.LatinName.Length > 0 && s.LatinName != s.Participant.DisplayName)
            Centred(g, width, ref y, s.LatinName, Font(14), Ink, 24);
        Centred(g, width, ref y, s.CityName, Font(13, bold: true), Ink, 40);
        Centred(g, width, ref y, "attended · 참석하였음을 증명합니다", Body, Muted, 30);
        Centred(g, width, ref y, s.Assembly.Title, Font(16, bold: true), Ink, 24);
        Centred(g, width, ref y, $"{s.Assembly.Venue} · {Dates(s)}", Body, Ink, 60);
        Centred(g, width, ref y, "WeGO Secretariat · WeGO 사무국", Heading, Ink, 20);
        Centred(g, width, ref y, $"No. {s.Participant.Id} · {s.Today:yyyy-MM-dd}", Small, Muted, 14);
    }

    /// <summary>The organisation's heading and the document's title in both languages; returns where the body starts.</summary>
    private static double Letterhead(XGraphics g, PdfPage page, DocumentSource s, string titleEn, string titleKo)
    {
        var width = page.Width.Point;
        g.DrawRectangle(new XSolidBrush(Brand), 0, 0, width, 8);
        g.DrawString("WeGO · World Smart Sustainable Cities Organization", Heading, new XSolidBrush(Brand), new XRect(56, 40, width - 112, 16), XStringFormats.TopLeft);
        g.DrawString("세계스마트지속가능도시기구 · " + s.Assembly.Title, Small, new XSolidBrush(Muted), new XRect(56, 58, width - 112, 12), XStringFormats.TopLeft);
        g.DrawString($"{titleEn} · {titleKo}", Title, new XSolidBrush(Ink), new XRect(56, 92, width - 112, 24), XStringFormats.TopLeft);
        return 136;
    }

    private static double Fields(XGraphics g, double y, IEnumerable<(string Label, string Value)> fields)
    {
        foreach (var (label, value) in fields.Where(f => f.Value.Length > 0))
        {
            g.DrawString(label, Small, new XSolidBrush(Muted), new XRect(56, y, 190, 14), XStringFormats.TopLeft);
            g.DrawString(value, Body, new XSolidBrush(Ink), new XRect(250, y - 1, 290, 14), XStringFormats.TopLeft);
            y += 20;
        }
        return y;
    }

    /// <summary>An English paragraph with its Korean beneath, wrapped to the page; returns where the next line starts.</summary>
    private static double Paragraph(XGraphics g, PdfPage page, double y, string english, string korean)
    {
        var width = page.Width.Point - 112;
        var text = new XTextFormatter(g);
        foreach (var part in new[] { english, korean })
        {
            var lines = Math.Ceiling(g.MeasureString(part, Body).Width / (width * 0.92)) + 1;
            var height = lines * Body.GetHeight();
            text.DrawString(part, Body, new XSolidBrush(Ink), new XRect(56, y, width, height), XStringFormats.TopLeft);
            y += height + 6;
        }
        return y;
    }

    private static void Centred(XGraphics g, double width, ref double y, string text, XFont font, XColor colour, double step)
    {
        g.DrawString(text, font, new XSolidBrush(colour), new XRect(10, y, width - 20, step), XStringFormats.TopCenter);
        y += step;
    }

    private static void Qr(XGraphics g, string content, double x, double y, double size)
    {
        using var generator = new QRCodeGenerator();
        var modules = generator.CreateQrCode(content, QRCodeGenerator.ECCLevel.M).ModuleMatrix;
        var step = size / modules.Count;
        for (var row = 0; row < modules.Count; row++)
            for (var column = 0; column < modules.Count; column++)
                if (modules[row][column])
                    g.DrawRectangle(XBrushes.Black, x + column * step, y + row * step, step + 0.05, step + 0.05);
    }

    private static string Dates(DocumentSource s) => (s.Assembly.StartsOn, s.Assembly.EndsOn) switch
    {
        ({ } start, { } end) when start != end => $"{start:yyyy-MM-dd} – {end:yyyy-MM-dd}",
        ({ } day, _) => $"{day:yyyy-MM-dd}",
        (null, { } day) => $"{day:yyyy-MM-dd}",
        _ => s.Assembly.Year.ToString(),
    };

    /// <summary>"…로서" after a vowel, "…으로서" after a final consonant (투표 대표로서, 참관인으로서).</summary>
    private static string AsKorean(string noun) =>
        noun[^1] is >= '가' and <= '힣' && (noun[^1] - '가') % 28 != 0 ? noun + "으로서" : noun + "로서";

    private static string Article(string noun) => ("aeiou".Contains(char.ToLowerInvariant(noun[0])) ? "an " : "a ") + noun.ToLowerInvariant();

    private static string RoleName(ParticipantRole role) => $"{RoleName(role, korean: false)} · {RoleName(role, korean: true)}";

    private static string RoleName(ParticipantRole p, bool korean) => p switch
    {
        ParticipantRole.VotingDelegate => korean ? "투표 대표" : "Voting delegate",
        ParticipantRole.Alternate => korean ? "대리 대표" : "Alternate",
        ParticipantRole.Advisor => korean ? "자문" : "Advisor",
        _ => korean ? "참관인" : "Observer",
    };

    private static string StatusName(AccreditationStatus status) => status switch
    {
        AccreditationStatus.Submitted => "Submitted, under review · 제출됨, 심사 중",
        AccreditationStatus.Approved => "Approved · 승인됨",
        AccreditationStatus.BadgeIssued => "Approved, badge issued · 승인됨, 명찰 발급",
        _ => "Rejected · 거절됨",
    };

    /// <summary>Each role its colour, as on the badges of most assemblies: the colour tells the door who may vote.</summary>
    private static XColor RoleColour(ParticipantRole role) => role switch
    {
        ParticipantRole.VotingDelegate => XColor.FromArgb(0xb0, 0x1e, 0x2d),
        ParticipantRole.Alternate => XColor.FromArgb(0xc2, 0x5e, 0x00),
        ParticipantRole.Advisor => XColor.FromArgb(0x00, 0x6d, 0x5b),
        _ => XColor.FromArgb(0x4a, 0x4f, 0x57),
    };

    // Unicode for every text, Latin too: otherwise PDFsharp embeds the face a second time with the WinAnsi encoding.
    private static XFont Font(double size, bool bold = false) =>
        new(PdfFonts.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, new XPdfFontOptions(PdfFontEncoding.Unicode));
}
