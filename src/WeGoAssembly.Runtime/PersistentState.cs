using System.Text.Json;

namespace WeGoAssembly.Runtime;

/// <summary>A runtime-supplied constructor argument that loads itself when the grain activates.</summary>
internal interface IStorageSlot
{
    Task LoadAsync();
}

/// <summary>A grain's named state in <see cref="IGrainStorage"/>, written with the etag it last saw.</summary>
internal sealed class PersistentState<TState>(GrainActivation activation, string stateName)
    : IPersistentState<TState>, IStorageSlot where TState : new()
{
    private readonly IGrainStorage storage = activation.Runtime.GrainStorage;

    public TState State { get; set; } = new();

    public string? Etag { get; private set; }

    public bool RecordExists => Etag is not null;

    public Task LoadAsync() => ReadStateAsync();

    public async Task ReadStateAsync()
    {
        var stored = await storage.ReadAsync(activation.Id, stateName, CancellationToken.None);
        State = stored is null ? new TState() : JsonSerializer.Deserialize<TState>(stored.Json, GrainJson.Options) ?? new TState();
        Etag = stored?.Etag;
    }

    public Task WriteStateAsync() => WriteAsync(audit: null);

    public Task WriteStateAsync(AuditRecord audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return WriteAsync(audit);
    }

    private async Task WriteAsync(AuditRecord? audit)
    {
        var json = JsonSerializer.Serialize(State, GrainJson.Options);
        try
        {
            Etag = await storage.WriteAsync(activation.Id, stateName, Etag, json, CancellationToken.None, audit);
        }
        catch (InconsistentStateException)
        {
            activation.MarkInconsistent();
            throw;
        }
    }

    public async Task ClearStateAsync()
    {
        try
        {
            await storage.ClearAsync(activation.Id, stateName, Etag, CancellationToken.None);
        }
        catch (InconsistentStateException)
        {
            activation.MarkInconsistent();
            throw;
        }
        State = new TState();
        Etag = null;
    }
}

/// <summary>A grain's named journal in <see cref="IJournalStorage"/>, appended at the version it last saw.</summary>
internal sealed class Journal<TEvent>(GrainActivation activation, string journalName) : IJournal<TEvent>, IStorageSlot
{
    private readonly IJournalStorage storage = activation.Runtime.JournalStorage;

    public long Version { get; private set; }

    public async Task LoadAsync() => Version = await storage.GetVersionAsync(activation.Id, journalName, CancellationToken.None);

    public async Task AppendAsync(IReadOnlyList<TEvent> events)
    {
        if (events.Count == 0)
            return;
        // Serialized as TEvent, so a [JsonPolymorphic] base type writes its type discriminator.
        var json = events.Select(e => JsonSerializer.Serialize(e, GrainJson.Options)).ToArray();
        try
        {
            await storage.AppendAsync(activation.Id, journalName, Version, json, CancellationToken.None);
        }
        catch (InconsistentStateException)
        {
            activation.MarkInconsistent();
            throw;
        }
        Version += events.Count;
    }

    public async Task<IReadOnlyList<JournalEntry<TEvent>>> ReadAsync(long fromVersion = 0, int maxCount = int.MaxValue)
    {
        var stored = await storage.ReadAsync(activation.Id, journalName, fromVersion, maxCount, CancellationToken.None);
        return stored
            .Select(e => new JournalEntry<TEvent>(e.Sequence, e.RecordedAt, JsonSerializer.Deserialize<TEvent>(e.Json, GrainJson.Options)!))
            .ToArray();
    }
}
