using Orleans;

namespace WeGoAssembly.Contracts.Voting;

/// <summary>What an agenda item asks of the assembly; numbers equal the proto AgendaItemKind values.</summary>
[GenerateSerializer, Alias("wego.AgendaItemKind")]
public enum AgendaItemKind { Information = 1, Discussion = 2, Decision = 3, Election = 4 }

/// <summary>Where an agenda item stands in the meeting; numbers equal the proto AgendaItemStatus values.</summary>
[GenerateSerializer, Alias("wego.AgendaItemStatus")]
public enum AgendaItemStatus { Pending = 1, UnderDiscussion = 2, Voting = 3, Closed = 4 }

/// <summary>
/// One item of an assembly's agenda, in English and Korean. Id is "{assemblyId}.item-{n}", so the id
/// alone leads to the assembly's agenda.
/// </summary>
[GenerateSerializer, Alias("wego.AgendaItem")]
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
[GenerateSerializer, Alias("wego.AgendaItemDraft")]
public sealed record AgendaItemDraft(
    string Number, string TitleEn, string TitleKo, string DescriptionEn, string DescriptionKo, AgendaItemKind Kind, AgendaItemStatus? Status = null);

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
