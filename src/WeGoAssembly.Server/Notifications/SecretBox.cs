using System.Security.Cryptography;
using System.Text;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Notifications;

/// <summary>
/// Seals an access code for the time between queueing its message and sending it (AES-GCM, with a key derived from
/// the token signing key, which every node shares): the delivery log never holds the code in clear.
/// </summary>
public sealed class SecretBox(BearerTokens tokens)
{
    private const int NonceBytes = 12, TagBytes = 16;

    public byte[] Seal(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Key(), TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes));
        return sealedBytes;
    }

    /// <summary>The secret, or null when the bytes were not sealed with this key (a signing key replaced since).</summary>
    public string? Open(byte[] sealedBytes)
    {
        if (sealedBytes.Length < NonceBytes + TagBytes)
            return null;
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(Key(), TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain);
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private byte[] Key() => tokens.DeriveKey("wego notification secret");
}
