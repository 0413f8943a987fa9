using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WeGoAssembly.Grains;

/// <summary>
/// Builds the details JSON of audit entries with System.Text.Json, never by concatenation: property
/// names in snake_case, enums by name, text kept as typed (Hangul names, and ' &amp; &lt; &gt; +, which the default
/// encoder escapes for HTML: the details are read as text in the audit screen and its CSV, never put into
/// HTML unescaped), null properties left out, so that <see cref="Diff{T}"/> leaves out whatever did not change.
/// </summary>
public static class AuditDetails
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The JSON object of <paramref name="value"/>, typically an anonymous object.</summary>
    public static string Of<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>{"from": …, "to": …} when the value changed; null (left out) when it did not.</summary>
    public static Change<T>? Diff<T>(T from, T to) => EqualityComparer<T>.Default.Equals(from, to) ? null : new Change<T>(from, to);

    /// <summary>One changed value in an audit entry's details.</summary>
    public sealed record Change<T>(T From, T To);
}
