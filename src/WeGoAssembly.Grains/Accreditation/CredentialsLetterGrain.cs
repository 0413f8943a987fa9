using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Accreditation;

/// <summary>The persisted bytes of one credentials letter.</summary>
public sealed class CredentialsLetterState
{
    public CredentialsLetter? Letter { get; set; }
    public byte[]? Content { get; set; }
}

/// <summary>
/// One credentials letter's bytes, content-addressed ("{assemblyId}/{memberCityId}/{sha256}"). Kept apart
/// from the delegation so that its up to 5 MiB are not rewritten with every door scan; deactivated after
/// each call so they do not stay in memory.
/// </summary>
[GrainType(TypeName)]
public sealed class CredentialsLetterGrain(
    [PersistentState(CredentialsLetterGrain.StateName)] IPersistentState<CredentialsLetterState> state) : Grain, ICredentialsLetterGrain
{
    public const string TypeName = "credentials-letter", StateName = "letter";

    public async Task StoreAsync(StoredLetter letter)
    {
        DeactivateOnIdle();
        if (state.State.Content is not null)
            return;   // same key, same bytes
        // The audit entry ("credentials.submitted") is written with the delegation's record of the letter.
        await state.WriteStateAsync(new CredentialsLetterState { Letter = letter.Letter, Content = letter.Content });
    }

    public Task<StoredLetter?> GetAsync()
    {
        DeactivateOnIdle();
        return Task.FromResult(state.State is { Letter: { } letter, Content: { } content } ? new StoredLetter(letter, content) : null);
    }
}
