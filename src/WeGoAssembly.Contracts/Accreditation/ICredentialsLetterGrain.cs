using Orleans;

namespace WeGoAssembly.Contracts.Accreditation;

/// <summary>
/// The bytes of one credentials letter, keyed "{assemblyId}/{memberCityId}/{sha256}": content-addressed, so
/// the delegation's record always names bytes that exist, and the large bytes stay out of the delegation's state.
/// </summary>
[Alias("wego.ICredentialsLetterGrain")]
public interface ICredentialsLetterGrain : IGrainWithStringKey
{
    /// <summary>Stores the letter once; storing the same content again changes nothing.</summary>
    Task StoreAsync(StoredLetter letter);

    /// <summary>The letter, or null when none is stored under this key.</summary>
    Task<StoredLetter?> GetAsync();
}
