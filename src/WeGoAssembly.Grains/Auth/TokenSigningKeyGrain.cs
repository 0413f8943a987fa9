using System.Security.Cryptography;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Auth;

/// <summary>The persisted token signing key.</summary>
public sealed class TokenSigningKeyState
{
    public byte[]? Key { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// The HMAC key bearer tokens are signed with, created at the first start and then read by every start
/// and every node, so a restart or a call to another node does not sign everyone out.
/// </summary>
[GrainType(TypeName)]
public sealed class TokenSigningKeyGrain(
    [PersistentState(TokenSigningKeyGrain.StateName)] IPersistentState<TokenSigningKeyState> state,
    TimeProvider clock) : Grain, ITokenSigningKeyGrain
{
    public const string TypeName = "token-signing-key", StateName = "key", DefaultKey = "default";
    public const int KeyBytes = 32;

    public async Task<byte[]> GetOrCreateAsync()
    {
        if (state.State.Key is not { Length: >= KeyBytes })
        {
            // Two nodes starting together may both get here; the ETag lets one write win, the other
            // fails with InconsistentStateException and reads the winner's key on its retry.
            await state.WriteStateAsync(new TokenSigningKeyState { Key = RandomNumberGenerator.GetBytes(KeyBytes), CreatedAt = clock.GetUtcNow() });
        }
        return state.State.Key!.ToArray();
    }
}
