using System.Text.Json;
using Orleans.Storage;

namespace WeGoAssembly.Grains.Storage;

/// <summary>
/// Grain state in Orleans' storage table as UTF-8 JSON (<see cref="GrainJson"/>): the same form as the projections,
/// readable with SQL (PayloadBinary as text) and independent of Orleans' binary wire format.
/// </summary>
public sealed class GrainStateJsonSerializer : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, GrainJson.Options));

    public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>(GrainJson.Options)!;
}
