using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace WeGoAssembly.Grains;

/// <summary>
/// Builds the details JSON of audit entries with System.Text.Json, never by concatenation: property
/// names in snake_case, enums by name, non-ASCII text (Hangul names) kept readable, null properties
/// left out, so that <see cref="Diff{T}"/> leaves out whatever did not change.
/// </summary>
public static class AuditDetails
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The JSON object of <paramref name="value"/>, typically an anonymous object.</summary>
    public static string Of<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>{"from": …, "to": …} when the value changed; null (left out) when it did not.</summary>
    public static Change<T>? Diff<T>(T from, T to) => EqualityComparer<T>.Default.Equals(from, to) ? null : new Change<T>(from, to);

    /// <summary>One changed value in an audit entry's details.</summary>
    public sealed record Change<T>(T From, T To);
}
