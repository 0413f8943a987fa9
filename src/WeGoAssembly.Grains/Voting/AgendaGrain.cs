using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Contracts.Records;
using Microsoft.Extensions.Logging;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Voting;

/// <summary>The persisted agenda of one assembly: items in agenda order and the ballots taken on them.</summary>
public sealed record AgendaState
{
    public List<AgendaItem> Items { get; set; } = [];

    public int ItemsCreated { get; set; }

    /// <summary>Every ballot id with its item, in creation order.</summary>
    public List<BallotEntry> Ballots { get; set; } = [];

    /// <summary>Item id → the ballot open on it now.</summary>
    public Dictionary<string, string> OpenBallots { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A ballot on an agenda item.</summary>
public sealed record BallotEntry(string BallotId, string ItemId);

/// <summary>One assembly's agenda: one grain holds the whole ordered list, which keeps reordering and listing atomic.</summary>
[GrainType("agenda")]
public sealed class AgendaGrain(
    [PersistentState("agenda")] IPersistentState<Audited<AgendaState>> stored, TimeProvider clock, ChangeRecording recording, ILogger<AgendaGrain> logger)
    : AuditedGrain<AgendaState>(stored, recording), IAgendaGrain
{
    private ChangeFeed? feed;

    private ChangeFeed Feed => feed ??= new(VotingHub.AgendaTopic(this.GetPrimaryKeyString()), logger);

    public Task WatchAsync(IChangeListener listener) => Feed.WatchAsync(listener);

    public Task UnwatchAsync(IChangeListener listener) => Feed.UnwatchAsync(listener);

    public async Task<AgendaItem> CreateItemAsync(AgendaItemDraft draft, string actor)
    {
        var assemblyId = this.GetPrimaryKeyString();
        if (await GrainFactory.GetGrain<IAssemblyGrain>(assemblyId).GetAsync() is null)
            throw DomainException.NotFound($"No assembly \"{assemblyId}\" exists.");
        var cleaned = Clean(draft, exceptId: null);
        if (draft.Status is not null)
            throw DomainException.Invalid("agenda_item.status", "A new item starts pending; leave status unspecified.");
        var n = state.State.ItemsCreated + 1;
        var item = new AgendaItem(VotingIds.Item(assemblyId, n), assemblyId, cleaned.Number, cleaned.TitleEn, cleaned.TitleKo, cleaned.DescriptionEn,
            cleaned.DescriptionKo, cleaned.Kind, state.State.Items.Count + 1, AgendaItemStatus.Pending, clock.GetUtcNow());
        await state.WriteStateAsync(state.State with { Items = [.. state.State.Items, item], ItemsCreated = n },
            new AuditRecord(actor, "agenda-item.created", Subject(item.Id), AuditDetails.Of(new { item.Number, item.TitleEn, item.Kind })));
        Feed.Changed();
        return item;
    }

    public async Task<AgendaItem> UpdateItemAsync(string itemId, AgendaItemDraft draft, string actor)
    {
        var index = IndexOf(itemId);
        var current = state.State.Items[index];
        var cleaned = Clean(draft, exceptId: itemId);
        var hasBallots = state.State.Ballots.Any(b => b.ItemId == itemId);
        if (cleaned.Kind != current.Kind && hasBallots)
            throw new DomainException(DomainErrorKind.StateConflict, $"Item {current.Number} has ballots; its kind cannot change from {current.Kind}.");
        var status = draft.Status ?? current.Status;
        if (status != current.Status)
        {
            if (state.State.OpenBallots.ContainsKey(itemId))
                throw new DomainException(DomainErrorKind.StateConflict, $"A ballot is open on item {current.Number}; close it before changing the item's status.");
            if (status is not (AgendaItemStatus.UnderDiscussion or AgendaItemStatus.Closed) || status < current.Status)
                throw new DomainException(DomainErrorKind.StateConflict,
                    $"Item {current.Number} is {current.Status}; its status may only move forward to under discussion or closed (voting is set when a ballot on it opens).");
        }
        var next = current with
        {
            Number = cleaned.Number, TitleEn = cleaned.TitleEn, TitleKo = cleaned.TitleKo, DescriptionEn = cleaned.DescriptionEn,
            DescriptionKo = cleaned.DescriptionKo, Kind = cleaned.Kind, Status = status, UpdatedAt = clock.GetUtcNow(),
        };
        await WriteItemAsync(index, next, new AuditRecord(actor, "agenda-item.updated", Subject(itemId),
            AuditDetails.Of(new { Number = AuditDetails.Diff(current.Number, next.Number), Status = AuditDetails.Diff(current.Status, next.Status) })));
        return next;
    }

    public async Task<IReadOnlyList<AgendaItem>> ReorderAsync(IReadOnlyList<string> itemIds, string actor)
    {
        var items = state.State.Items;
        if (itemIds.Count != items.Count || itemIds.Distinct(StringComparer.Ordinal).Count() != itemIds.Count
            || itemIds.Any(id => !items.Any(i => i.Id == id)))
            throw DomainException.Invalid("agenda_item_ids", $"agenda_item_ids must list each of the {items.Count} items of the agenda exactly once.");
        var now = clock.GetUtcNow();
        var reordered = itemIds.Select((id, i) => items.First(x => x.Id == id) is var item && item.Order == i + 1 ? item : item with { Order = i + 1, UpdatedAt = now }).ToList();
        await state.WriteStateAsync(state.State with { Items = reordered },
            new AuditRecord(actor, "agenda.reordered", $"agenda/{this.GetPrimaryKeyString()}", AuditDetails.Of(new { order = itemIds })));
        Feed.Changed();
        return reordered;
    }

    public Task<IReadOnlyList<AgendaItem>> ListAsync() => Task.FromResult<IReadOnlyList<AgendaItem>>(state.State.Items.ToArray());

    public Task<AgendaItem> GetItemAsync(string itemId) => Task.FromResult(state.State.Items[IndexOf(itemId)]);

    public async Task<string> AllocateBallotAsync(string itemId, BallotKind kind, string actor)
    {
        var item = state.State.Items[IndexOf(itemId)];
        var expected = kind == BallotKind.Motion ? AgendaItemKind.Decision : AgendaItemKind.Election;
        if (item.Kind != expected)
            throw new DomainException(DomainErrorKind.StateConflict,
                $"Item {item.Number} is a {item.Kind} item; a {kind} ballot needs a {expected} item.");
        if (item.Status == AgendaItemStatus.Closed)
            throw new DomainException(DomainErrorKind.StateConflict, $"Item {item.Number} is closed; no more ballots may be taken on it.");
        var id = VotingIds.Ballot(this.GetPrimaryKeyString(), state.State.Ballots.Count + 1);
        // The ballot's own "ballot.created" entry is the audit record; this only reserves the number.
        await state.WriteStateAsync(state.State with { Ballots = [.. state.State.Ballots, new BallotEntry(id, itemId)] });
        return id;
    }

    public async Task BallotOpenedAsync(string itemId, string ballotId)
    {
        var index = IndexOf(itemId);
        var item = state.State.Items[index];
        if (item.Status == AgendaItemStatus.Closed)
            throw new DomainException(DomainErrorKind.StateConflict, $"Item {item.Number} is closed; no ballot may open on it.");
        if (state.State.OpenBallots.TryGetValue(itemId, out var open) && open != ballotId)
            throw new DomainException(DomainErrorKind.StateConflict, $"Ballot {open} is open on item {item.Number}; close it first.");
        var openBallots = new Dictionary<string, string>(state.State.OpenBallots, StringComparer.Ordinal) { [itemId] = ballotId };
        var items = state.State.Items.ToList();
        items[index] = item with { Status = AgendaItemStatus.Voting, UpdatedAt = clock.GetUtcNow() };
        await state.WriteStateAsync(state.State with { Items = items, OpenBallots = openBallots });
        Feed.Changed();
    }

    public async Task BallotClosedAsync(string itemId, string ballotId)
    {
        if (!state.State.OpenBallots.TryGetValue(itemId, out var open) || open != ballotId)
            return;   // idempotent: a repeated close report changes nothing
        var index = IndexOf(itemId);
        var openBallots = new Dictionary<string, string>(state.State.OpenBallots, StringComparer.Ordinal);
        openBallots.Remove(itemId);
        var items = state.State.Items.ToList();
        items[index] = items[index] with { Status = AgendaItemStatus.UnderDiscussion, UpdatedAt = clock.GetUtcNow() };
        await state.WriteStateAsync(state.State with { Items = items, OpenBallots = openBallots });
        Feed.Changed();
    }

    public Task<IReadOnlyList<string>> ListBallotsAsync() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Ballots.Select(b => b.BallotId).ToArray());

    private int IndexOf(string itemId)
    {
        var index = state.State.Items.FindIndex(i => i.Id == itemId);
        return index >= 0 ? index
            : throw DomainException.NotFound($"No agenda item \"{TextRules.Shorten(itemId ?? "")}\" exists at assembly \"{this.GetPrimaryKeyString()}\".");
    }

    private AgendaItemDraft Clean(AgendaItemDraft draft, string? exceptId)
    {
        var errors = new List<FieldError>();
        var number = TextRules.Text("agenda_item.number", draft.Number, 16, required: true, errors);
        if (number.Length > 0 && state.State.Items.Any(i => i.Id != exceptId && i.Number == number))
            errors.Add(new("agenda_item.number", $"Number \"{number}\" is already used by another item of this agenda."));
        var cleaned = new AgendaItemDraft(number,
            TextRules.Text("agenda_item.title_en", draft.TitleEn, 200, required: true, errors),
            TextRules.Text("agenda_item.title_ko", draft.TitleKo, 200, required: false, errors),
            Multiline("agenda_item.description_en", draft.DescriptionEn, errors),
            Multiline("agenda_item.description_ko", draft.DescriptionKo, errors),
            draft.Kind, draft.Status);
        if (!Enum.IsDefined(draft.Kind))
            errors.Add(new("agenda_item.kind", "agenda_item.kind must be information, discussion, decision or election."));
        DomainErrors.ThrowIfAny(errors);
        return cleaned;
    }

    // Plain text that may hold line breaks (but no other control characters).
    private static string Multiline(string field, string? value, List<FieldError> errors)
    {
        var text = (value ?? "").Trim().Normalize();
        if (text.Length > 4000)
            errors.Add(new(field, $"{field} is {text.Length} characters long; at most 4000 are allowed."));
        else if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\r'))
            errors.Add(new(field, $"{field} contains a control character other than a line break."));
        return text;
    }

    private async Task WriteItemAsync(int index, AgendaItem next, AuditRecord audit)
    {
        var items = state.State.Items.ToList();
        items[index] = next;
        await state.WriteStateAsync(state.State with { Items = items }, audit);
        Feed.Changed();
    }

    private static string Subject(string itemId) => $"agenda-item/{itemId}";
}
