using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace WeGoAssembly.Grains.Accreditation;

/// <summary>
/// QR secrets printed on badges: "WGB1-" and 160 random bits in base64url (32 characters), short enough
/// for a small QR code, far too many to guess. Only the SHA-256 of the secret is stored, as the badge's key.
/// </summary>
public static class BadgeSecrets
{
    private const string Prefix = "WGB1-";

    /// <summary>A new secret and the key (hash) its badge is stored under.</summary>
    public static (string Secret, string Key) New()
    {
        Span<byte> random = stackalloc byte[20];
        RandomNumberGenerator.Fill(random);
        var secret = Prefix + Base64Url.EncodeToString(random);
        return (secret, KeyOf(secret));
    }

    /// <summary>The storage key of a scanned code: exact text, surrounding whitespace (a scanner's line end) ignored.</summary>
    public static string KeyOf(string scanned) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scanned.Trim())));
}

/// <summary>Badge numbers printed on badges: "GA" + the assembly's two-digit year + a sequence, such as "GA23-0042".</summary>
public static class BadgeNumbers
{
    public static string Format(int assemblyYear, int sequence) => $"GA{assemblyYear % 100:D2}-{sequence:D4}";
}

/// <summary>Proxy ids: "{assemblyId}.proxy-{n}", so that an id alone leads to its assembly.</summary>
public static class ProxyIds
{
    public static string Format(string assemblyId, int number) => $"{assemblyId}.proxy-{number}";

    /// <summary>The assembly of a proxy id, or null when the text is not one.</summary>
    public static string? AssemblyOf(string? id)
    {
        var parts = (id ?? "").Trim().Split('.');
        return parts.Length == 2 && parts[1].StartsWith("proxy-", StringComparison.Ordinal)
               && int.TryParse(parts[1].AsSpan("proxy-".Length), out var n) && n > 0 && parts[0].Length > 0
            ? parts[0]
            : null;
    }
}
