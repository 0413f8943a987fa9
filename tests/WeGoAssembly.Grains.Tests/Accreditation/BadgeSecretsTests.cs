using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using WeGoAssembly.Grains.Accreditation;

namespace WeGoAssembly.Grains.Tests.Accreditation;

public sealed class BadgeSecretsTests
{
    [Fact]
    public void A_QR_secret_carries_at_least_128_random_bits_and_is_stored_only_as_its_SHA256()
    {
        var (secret, key) = BadgeSecrets.New();

        Assert.StartsWith("WGB1-", secret);
        Assert.True(Base64Url.DecodeFromChars(secret.AsSpan("WGB1-".Length)).Length * 8 >= 128);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), key);
        Assert.DoesNotContain(secret["WGB1-".Length..], key);
    }

    [Fact]
    public void Secrets_do_not_repeat_and_a_scanner_line_end_does_not_matter()
    {
        var secrets = Enumerable.Range(0, 1000).Select(_ => BadgeSecrets.New()).ToArray();

        Assert.Equal(1000, secrets.Select(s => s.Secret).Distinct().Count());
        Assert.Equal(secrets[0].Key, BadgeSecrets.KeyOf(secrets[0].Secret + "\r\n"));
        Assert.NotEqual(secrets[0].Key, BadgeSecrets.KeyOf(secrets[0].Secret.ToLowerInvariant()));
    }

    [Theory]
    [InlineData(2023, 42, "GA23-0042")]
    [InlineData(2025, 1, "GA25-0001")]
    [InlineData(2100, 12345, "GA00-12345")]
    public void Badge_numbers_name_the_assembly_year_and_a_sequence(int year, int sequence, string expected) =>
        Assert.Equal(expected, BadgeNumbers.Format(year, sequence));

    [Theory]
    [InlineData("ga-2023.proxy-3", "ga-2023")]
    [InlineData("ga-2023.proxy-0", null)]
    [InlineData("ga-2023.seoul.p3", null)]
    [InlineData("proxy-3", null)]
    [InlineData("", null)]
    public void A_proxy_id_leads_to_its_assembly(string id, string? assembly) =>
        Assert.Equal(assembly, ProxyIds.AssemblyOf(id));
}
