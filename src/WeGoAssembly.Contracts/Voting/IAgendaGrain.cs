using Orleans;
using WeGoAssembly.Contracts.Records;

namespace WeGoAssembly.Contracts.Voting;

/// <summary>
/// The agenda of one assembly, keyed by the assembly id: the ordered items, and the ballots taken on
/// each (a ballot's number is handed out here, so ids never repeat within an assembly). Watchable: the hall's screens
/// follow which item is before the assembly and which ballot is open.
/// </summary>
[Alias("wego.IAgendaGrain")]
public interface IAgendaGrain : IAuditedGrain, IWatchable
{
    Task<AgendaItem> CreateItemAsync(AgendaItemDraft draft, string actor);

    Task<AgendaItem> UpdateItemAsync(string itemId, AgendaItemDraft draft, string actor);

    Task<IReadOnlyList<AgendaItem>> ReorderAsync(IReadOnlyList<string> itemIds, string actor);

    Task<IReadOnlyList<AgendaItem>> ListAsync();

    /// <summary>The item, or NOT_FOUND.</summary>
    Task<AgendaItem> GetItemAsync(string itemId);

    /// <summary>Hands out a new ballot id on an item whose kind matches <paramref name="kind"/> (decision for motions, election for elections).</summary>
    Task<string> AllocateBallotAsync(string itemId, BallotKind kind, string actor);

    /// <summary>A ballot on the item opened (status voting) or closed (back to under discussion); refused when the item is closed.</summary>
    Task BallotOpenedAsync(string itemId, string ballotId);

    Task BallotClosedAsync(string itemId, string ballotId);

    /// <summary>Every ballot id of the assembly, in creation order.</summary>
    Task<IReadOnlyList<string>> ListBallotsAsync();
}
