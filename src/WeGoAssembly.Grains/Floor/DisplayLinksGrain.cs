using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Floor;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Grains.Storage;
using WeGoAssembly.Grains.Voting;

namespace WeGoAssembly.Grains.Floor;

/// <summary>The persisted display links of an assembly, with the hash of each one's secret.</summary>
public sealed record DisplayLinksState
{
    public List<StoredDisplayLink> Links { get; set; } = [];
}

public sealed record StoredDisplayLink(DisplayLink Link, string SecretSha256);

/// <summary>The display links of one assembly (see <see cref="IDisplayLinksGrain"/>).</summary>
[GrainType("display-links")]
public sealed class DisplayLinksGrain(
    [PersistentState("display-links")] IPersistentState<Audited<DisplayLinksState>> stored,
    TimeProvider clock,
    ChangeRecording recording,
    ILogger<DisplayLinksGrain> logger)
    : AuditedGrain<DisplayLinksState>(stored, recording), IDisplayLinksGrain
{
    private ChangeFeed? feed;

    private string AssemblyId => this.GetPrimaryKeyString();

    public async Task<(DisplayLink Link, string Token)> CreateAsync(string label, string actor)
    {
        var errors = new List<FieldError>();
        var cleaned = TextRules.Text("label", label, 60, required: true, errors);
        DomainErrors.ThrowIfAny(errors);
        if (await GrainFactory.GetGrain<IAssemblyGrain>(AssemblyId).GetAsync() is null)
            throw DomainException.NotFound($"No assembly \"{AssemblyId}\" exists.");
        var secret = DisplayTokens.NewSecret();
        var link = new DisplayLink($"d{state.State.Links.Count + 1}", AssemblyId, cleaned, clock.GetUtcNow(), actor, RevokedAt: null);
        await state.WriteStateAsync(state.State with { Links = [.. state.State.Links, new(link, DisplayTokens.Hash(secret))] },
            new AuditRecord(actor, "display-link.created", Subject(link.Id), AuditDetails.Of(new { link.Label })));
        return (link, DisplayTokens.Token(AssemblyId, secret));
    }

    public Task<IReadOnlyList<DisplayLink>> ListAsync() =>
        Task.FromResult<IReadOnlyList<DisplayLink>>(state.State.Links.Select(l => l.Link).Reverse().ToArray());

    public async Task<DisplayLink> RevokeAsync(string linkId, string actor)
    {
        var index = state.State.Links.FindIndex(l => l.Link.Id == linkId);
        if (index < 0)
            throw DomainException.NotFound($"No display link \"{TextRules.Shorten(linkId)}\" exists at assembly \"{AssemblyId}\".");
        var stored = state.State.Links[index];
        if (stored.Link.RevokedAt is not null)
            return stored.Link;
        var links = state.State.Links.ToList();
        links[index] = stored with { Link = stored.Link with { RevokedAt = clock.GetUtcNow() } };
        await state.WriteStateAsync(state.State with { Links = links },
            new AuditRecord(actor, "display-link.revoked", Subject(linkId), AuditDetails.Of(new { stored.Link.Label })));
        Feed.Changed();
        return links[index].Link;
    }

    public Task<DisplayLink?> OpenAsync(string secret)
    {
        var hash = Encoding.ASCII.GetBytes(DisplayTokens.Hash(secret));
        var found = state.State.Links.FirstOrDefault(l => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(l.SecretSha256), hash));
        return Task.FromResult(found?.Link.RevokedAt is null ? found?.Link : null);
    }

    public Task WatchAsync(IChangeListener listener) => Feed.WatchAsync(listener);

    public Task UnwatchAsync(IChangeListener listener) => Feed.UnwatchAsync(listener);

    private ChangeFeed Feed => feed ??= new(VotingHub.DisplaysTopic(AssemblyId), logger);

    private string Subject(string linkId) => $"display-link/{AssemblyId}/{linkId}";
}

/// <summary>Display-link tokens: "{assemblyId}.{secret}", the secret 256 random bits in base64url (safe in an address).</summary>
public static class DisplayTokens
{
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Token(string assemblyId, string secret) => $"{assemblyId}.{secret}";

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));

    /// <summary>The assembly and secret of a token, or null when it has not that shape.</summary>
    public static (string AssemblyId, string Secret)? Parse(string? token)
    {
        var value = (token ?? "").Trim();
        var dot = value.LastIndexOf('.');
        if (dot <= 0 || value.Length - dot - 1 != 43)
            return null;
        var errors = new List<FieldError>();
        var assemblyId = TextRules.Slug("token", value[..dot], errors);
        var secret = value[(dot + 1)..];
        return errors.Count == 0 && secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? (assemblyId, secret) : null;
    }
}
