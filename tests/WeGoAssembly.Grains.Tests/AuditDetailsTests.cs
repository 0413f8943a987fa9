using System.Text.Json;

namespace WeGoAssembly.Grains.Tests;

/// <summary>The details JSON of audit entries: valid JSON that reads as the secretariat typed it.</summary>
public sealed class AuditDetailsTests
{
    [Theory]
    [InlineData("Lima's delegate arrived on the second day")]
    [InlineData("서울특별시 대표단 도착")]
    [InlineData("Terms & conditions <2023> +1")]
    public void Text_is_kept_as_typed_and_reads_back_exactly(string reason)
    {
        var json = AuditDetails.Of(new { Reason = reason, ProxyId = "ga-2023.proxy-1" });

        Assert.Contains(reason, json);
        Assert.Contains("\"proxy_id\":", json);
        Assert.Equal(reason, JsonDocument.Parse(json).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public void Control_characters_and_quotes_are_escaped_so_the_JSON_stays_valid()
    {
        const string reason = "line one\nline \"two\"\u0000";
        var json = AuditDetails.Of(new { Reason = reason });

        Assert.DoesNotContain('\n', json);
        Assert.DoesNotContain('\0', json);
        Assert.Equal(reason, JsonDocument.Parse(json).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public void Null_values_are_left_out_and_enums_written_by_name()
    {
        Assert.Equal("""{"day":"Monday"}""", AuditDetails.Of(new { Day = DayOfWeek.Monday, Note = (string?)null }));
    }
}
