using Orleans;

namespace WeGoAssembly.Contracts.Auth;

/// <summary>The server's key for signing bearer tokens, generated once and stored so every node and restart shares it.</summary>
[Alias("wego.ITokenSigningKeyGrain")]
public interface ITokenSigningKeyGrain : IGrainWithStringKey
{
    /// <summary>The stored key; a new random 32-byte key is generated and stored on first use.</summary>
    Task<byte[]> GetOrCreateAsync();
}
