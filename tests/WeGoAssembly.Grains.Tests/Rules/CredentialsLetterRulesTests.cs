using System.Text;
using WeGoAssembly.Contracts;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class CredentialsLetterRulesTests
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj");
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F'];

    public static TheoryData<string, byte[], string?> Sniffing => new()
    {
        { "PDF", Pdf, CredentialsLetterRules.Pdf },
        { "PNG", Png, CredentialsLetterRules.Png },
        { "JPEG (JFIF)", Jpeg, CredentialsLetterRules.Jpeg },
        { "JPEG (Exif)", [0xFF, 0xD8, 0xFF, 0xE1, 0, 0], CredentialsLetterRules.Jpeg },
        { "plain text", Encoding.UTF8.GetBytes("Letter of credentials: 서울특별시"), null },
        { "text that mentions %PDF- later", Encoding.ASCII.GetBytes(" %PDF-1.4"), null },
        { "a PNG signature cut short", Png[..7], null },
        { "GIF", Encoding.ASCII.GetBytes("GIF89a"), null },
        { "ZIP (a .docx)", [0x50, 0x4B, 0x03, 0x04], null },
        { "UTF-8 BOM then %PDF", [0xEF, 0xBB, 0xBF, .. Pdf], null },
        { "empty", [], null },
    };

    [Theory]
    [MemberData(nameof(Sniffing))]
    public void The_type_is_read_from_the_first_bytes(string _, byte[] content, string? expected) =>
        Assert.Equal(expected, CredentialsLetterRules.Detect(content));

    // content, file name, expected type (null: refused), field at fault
    public static TheoryData<string, byte[], string, string?, string?> Letters => new()
    {
        { "PDF named .pdf", Pdf, "credentials.pdf", CredentialsLetterRules.Pdf, null },
        { "PDF without a name", Pdf, "", CredentialsLetterRules.Pdf, null },
        { "PDF with a Hangul name", Pdf, "신임장.PDF", CredentialsLetterRules.Pdf, null },
        { "JPEG named .jpeg", Jpeg, "scan.jpeg", CredentialsLetterRules.Jpeg, null },
        { "PNG named .pdf", Png, "credentials.pdf", null, "file_name" },
        { "PDF named .txt", Pdf, "letter.txt", null, "file_name" },
        { "text named .pdf", Encoding.UTF8.GetBytes("not a pdf"), "credentials.pdf", null, "content" },
        { "empty file", [], "credentials.pdf", null, "content" },
        { "name of 256 characters", Pdf, new string('n', 252) + ".pdf", null, "file_name" },
        { "name with a line break", Pdf, "a\nb.pdf", null, "file_name" },
    };

    [Theory]
    [MemberData(nameof(Letters))]
    public void A_letter_must_be_a_PDF_PNG_or_JPEG_whose_name_agrees_with_its_content(string _, byte[] content, string name, string? type, string? field)
    {
        if (type is not null)
        {
            Assert.Equal(type, CredentialsLetterRules.Check(content, name).ContentType);
            return;
        }
        var error = Assert.Throws<DomainException>(() => CredentialsLetterRules.Check(content, name));
        Assert.Equal((DomainErrorKind.Invalid, field), (error.Kind, error.Field));
    }

    [Fact]
    public void Five_MiB_is_accepted_and_one_byte_more_refused()
    {
        var largest = new byte[CredentialsLetterRules.MaxBytes];
        Pdf.CopyTo(largest, 0);
        var tooLarge = new byte[CredentialsLetterRules.MaxBytes + 1];
        Pdf.CopyTo(tooLarge, 0);

        Assert.Equal(CredentialsLetterRules.Pdf, CredentialsLetterRules.Check(largest, "a.pdf").ContentType);
        var error = Assert.Throws<DomainException>(() => CredentialsLetterRules.Check(tooLarge, "a.pdf"));
        Assert.Contains("5,242,881", error.Message);
    }
}
