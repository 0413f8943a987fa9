using WeGoAssembly.Runtime;

namespace WeGoAssembly.Storage;

/// <summary>The conflicts both storages report, worded once.</summary>
internal static class StorageConflict
{
    public static InconsistentStateException State(GrainId grain, string stateName, string? expectedEtag) =>
        new($"State '{stateName}' of grain {grain} was changed by another writer " +
            $"(expected {(expectedEtag is null ? "no stored state" : $"etag {expectedEtag}")}).");

    public static InconsistentStateException Journal(GrainId grain, string journalName, long expectedVersion, Exception? inner = null) =>
        new($"Journal '{journalName}' of grain {grain} is not at version {expectedVersion}: another writer appended.", inner);

    /// <summary>Etags are version numbers; anything else cannot match a stored one.</summary>
    public static bool TryParseEtag(string etag, out long version) =>
        long.TryParse(etag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out version);
}
