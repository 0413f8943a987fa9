using System.Security.Cryptography;
using System.Text;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Auth;

/// <summary>
/// Personal access codes: 128 random bits written as 26 Crockford base-32 characters in groups
/// (easy to read aloud and type, no I/O/L ambiguity). Only the SHA-256 of the normalised code is stored.
/// </summary>
public static class AccessCodes
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new code and the key (hash) it is stored under.</summary>
    public static (string Code, string Key) New()
    {
        Span<byte> random = stackalloc byte[17];
        RandomNumberGenerator.Fill(random);
        random[16] &= 0x03; // 130 bits drawn, 128 + 2 kept so 26 characters carry at least 128 random bits
        var chars = new char[26];
        var value = new System.Numerics.BigInteger(random, isUnsigned: true);
        for (var i = 0; i < chars.Length; i++, value >>= 5)
            chars[i] = Alphabet[(int)(value & 31)];
        var code = string.Join('-', new string(chars).Chunk(5).Select(c => new string(c)));
        return (code, KeyOf(code));
    }

    /// <summary>The storage key of a code as typed: case, spaces and hyphens do not matter.</summary>
    public static string KeyOf(string typed)
    {
        var normalised = new string(typed.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray())
            .Replace('O', '0').Replace('I', '1').Replace('L', '1');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(normalised)));
    }

    /// <summary>Whether <paramref name="key"/> has the shape of a key from <see cref="KeyOf"/> (64 lower-case hex digits).</summary>
    public static bool IsKey(string key) => key.Length == 64 && key.All(char.IsAsciiHexDigitLower);

    /// <summary>
    /// Who a code signs in, as the audit log and the access check name them: "participant:{id}", or for a focal point's
    /// code "focal-point:{assemblyId}.{memberCityId}".
    /// </summary>
    public static string ActorOf(ParticipantRef holder) => ParticipantIds.IsFocalPoint(holder.ParticipantId)
        ? $"focal-point:{holder.AssemblyId}.{holder.MemberCityId}"
        : $"participant:{holder.ParticipantId}";
}
