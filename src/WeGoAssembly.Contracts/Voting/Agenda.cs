using WeGoAssembly.Runtime;

namespace WeGoAssembly.Contracts.Voting;

/// <summary>What an agenda item asks of the assembly; numbers equal the proto AgendaItemKind values.</summary>
public enum AgendaItemKind { Information = 1, Discussion = 2, Decision = 3, Election = 4 }

/// <summary>Where an agenda item stands in the meeting; numbers equal the proto AgendaItemStatus values.</summary>
public enum AgendaItemStatus { Pending = 1, UnderDiscussion = 2, Voting = 3, Closed = 4 }

/// <summary>
/// One item of an assembly's agenda, in English and Korean. Id is "{assemblyId}.item-{n}", so the id
/// alone leads to the assembly's agenda.
/// </summary>
public sealed record AgendaItem(
    string Id,
    string AssemblyId,
    string Number,
    string TitleEn,
    string TitleKo,
    string DescriptionEn,
    string DescriptionKo,
    AgendaItemKind Kind,
    int Order,
    AgendaItemStatus Status,
    DateTimeOffset UpdatedAt);

/// <summary>The texts and kind of an item as the secretariat writes them; status null keeps the current one.</summary>
public sealed record AgendaItemDraft(
    string Number, string TitleEn, string TitleKo, string DescriptionEn, string DescriptionKo, AgendaItemKind Kind, AgendaItemStatus? Status = null);

/// <summary>
/// The agenda of one assembly, keyed by the assembly id: the ordered items, and the ballots taken on
/// each (a ballot's number is handed out here, so ids never repeat within an assembly).
/// </summary>
public interface IAgendaGrain : IGrainWithStringKey
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

/// <summary>Agenda and ballot ids: "{assemblyId}.item-{n}" and "{assemblyId}.ballot-{n}".</summary>
public static class VotingIds
{
    public static string Item(string assemblyId, int n) => $"{assemblyId}.item-{n}";

    public static string Ballot(string assemblyId, int n) => $"{assemblyId}.ballot-{n}";

    /// <summary>The assembly an item or ballot id belongs to, or null when the id has neither shape.</summary>
    public static string? AssemblyOf(string id)
    {
        var dot = (id ?? "").LastIndexOf('.');
        if (dot <= 0)
            return null;
        var tail = id![(dot + 1)..];
        var number = tail.StartsWith("item-", StringComparison.Ordinal) ? tail[5..]
            : tail.StartsWith("ballot-", StringComparison.Ordinal) ? tail[7..] : null;
        return number is { Length: > 0 and <= 9 } && number.All(char.IsAsciiDigit) && number[0] != '0' ? id[..dot] : null;
    }
}
