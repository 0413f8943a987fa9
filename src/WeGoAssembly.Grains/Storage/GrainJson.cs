using System.Text.Json;
using System.Text.Json.Serialization;

namespace WeGoAssembly.Grains.Storage;

/// <summary>The one JSON configuration for stored grain states, projections and the Orleans grain storage serializer.</summary>
public static class GrainJson
{
    /// <summary>
    /// camelCase names, enums as strings; polymorphic type discriminators are accepted anywhere in an
    /// object because PostgreSQL's jsonb does not keep property order.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            AllowOutOfOrderMetadataProperties = true,
            Converters = { new JsonStringEnumConverter() },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
