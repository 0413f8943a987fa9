using WeGoAssembly.Contracts.Documents;

namespace WeGoAssembly.Grains.Documents;

/// <summary>The persisted document.</summary>
public sealed class DocumentState
{
    public GeneratedDocument? Document { get; set; }
}

/// <summary>
/// One generated PDF (see <see cref="IDocumentGrain"/>). Deactivated after each call, as the credentials letters are,
/// so that documents do not stay in memory.
/// </summary>
[GrainType("document")]
public sealed class DocumentGrain([PersistentState("document")] IPersistentState<DocumentState> state) : Grain, IDocumentGrain
{
    public Task<GeneratedDocument?> GetAsync()
    {
        DeactivateOnIdle();
        return Task.FromResult(state.State.Document);
    }

    public async Task StoreAsync(GeneratedDocument document)
    {
        DeactivateOnIdle();
        if (state.State.Document?.SourceSha256 == document.SourceSha256)
            return;
        state.State.Document = document;
        await state.WriteStateAsync();
    }

    public async Task ClearAsync()
    {
        DeactivateOnIdle();
        if (state.State.Document is null)
            return;
        await state.ClearStateAsync();
    }
}
