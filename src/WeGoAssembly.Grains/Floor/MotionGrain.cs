using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Floor;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Grains.Storage;
using WeGoAssembly.Grains.Voting;
using Microsoft.Extensions.Logging;

namespace WeGoAssembly.Grains.Floor;

/// <summary>The persisted motion of a decision item.</summary>
public sealed record MotionState
{
    public List<Paragraph> Tabled { get; set; } = [];

    public List<Paragraph> Text { get; set; } = [];

    public List<Amendment> Amendments { get; set; } = [];

    public int ParagraphsMade { get; set; }

    public bool Decided { get; set; }
}

/// <summary>
/// The motion of one decision item (see <see cref="IMotionGrain"/>). It never calls a ballot: ballots call it (when
/// they open and close), so the two can never wait on each other.
/// </summary>
[GrainType("motion")]
public sealed class MotionGrain(
    [PersistentState("motion")] IPersistentState<Audited<MotionState>> stored,
    TimeProvider clock,
    ChangeRecording recording,
    ILogger<MotionGrain> logger)
    : AuditedGrain<MotionState>(stored, recording), IMotionGrain
{
    private ChangeFeed? feed;

    private ChangeFeed Feed => feed ??= new(VotingHub.MotionTopic(this.GetPrimaryKeyString()), logger);

    public Task WatchAsync(IChangeListener listener) => Feed.WatchAsync(listener);

    public Task UnwatchAsync(IChangeListener listener) => Feed.UnwatchAsync(listener);

    private string ItemId => this.GetPrimaryKeyString();

    private string AssemblyId => VotingIds.AssemblyOf(ItemId) ?? ItemId;

    public async Task<Motion> SetTextAsync(IReadOnlyList<string> paragraphs, string actor)
    {
        var item = await DecisionItemAsync();
        var cleaned = MotionRules.Tabled(paragraphs);
        if (state.State.Amendments.Count > 0)
            throw new DomainException(DomainErrorKind.StateConflict, $"Amendments to item {item.Number} have been submitted; its text stands as tabled.");
        var text = cleaned.Select((p, i) => new Paragraph($"p{i + 1}", p)).ToList();
        await WriteAsync(state.State with { Tabled = text, Text = text, ParagraphsMade = text.Count },
            new AuditRecord(actor, "motion.tabled", Subject, AuditDetails.Of(new { paragraphs = text.Count })));
        return View();
    }

    public async Task<Motion> GetAsync()
    {
        if (!state.RecordExists)
            await ItemAsync();
        return View();
    }

    public async Task<(Motion Motion, Amendment Amendment)> SubmitAsync(string memberCityId, AmendmentDraft draft, string actor)
    {
        await OpenMotionAsync();
        var delegation = await GrainFactory.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(AssemblyId, memberCityId)).GetAsync();
        if (!delegation.Participants.Any(p => p.Status is AccreditationStatus.Approved or AccreditationStatus.BadgeIssued))
            throw new DomainException(DomainErrorKind.StateConflict, $"The delegation of {memberCityId} has no accredited participant; only an accredited delegation submits amendments.");
        var checkedDraft = MotionRules.Check(state.State.Text, draft);
        var amendment = new Amendment($"a{state.State.Amendments.Count + 1}", memberCityId, actor, checkedDraft.Kind, checkedDraft.ParagraphId,
            checkedDraft.Text, checkedDraft.Reason, AmendmentStatus.Submitted, "", 0, "", clock.GetUtcNow(), null, "");
        await WriteAsync(state.State with { Amendments = [.. state.State.Amendments, amendment] },
            new AuditRecord(actor, "amendment.submitted", Subject, AuditDetails.Of(new { amendment = amendment.Id, amendment.MemberCityId, amendment.Kind, amendment.ParagraphId })));
        return (View(), amendment);
    }

    public async Task<Motion> WithdrawAsync(string amendmentId, string? onlyOf, string actor)
    {
        var item = await ItemAsync();
        var amendment = Find(amendmentId, item);
        if (onlyOf is not null && amendment.MemberCityId != onlyOf)
            throw new DomainException(DomainErrorKind.Forbidden,
                $"Withdrawing amendment {amendment.Id} needs the Secretariat role, or to be of the delegation of {amendment.MemberCityId}, which submitted it.");
        if (amendment.Status is not (AmendmentStatus.Submitted or AmendmentStatus.Admitted))
            throw new DomainException(DomainErrorKind.StateConflict, $"Amendment {amendment.Id} is {MotionRules.Words(amendment.Status)}; it can no longer be withdrawn.");
        if (item.Status == AgendaItemStatus.Voting)
            throw new DomainException(DomainErrorKind.StateConflict, $"A ballot is open on item {item.Number}; an amendment is withdrawn while the item is under discussion.");
        await WriteAmendmentAsync(amendment with { Status = AmendmentStatus.Withdrawn, Order = 0, DecidedAt = clock.GetUtcNow() },
            new AuditRecord(actor, "amendment.withdrawn", Subject, AuditDetails.Of(new { amendment = amendment.Id })));
        return View();
    }

    public async Task<Motion> DecideAsync(string amendmentId, bool admit, string reason, string actor)
    {
        var item = await ItemAsync();
        var amendment = Find(amendmentId, item);
        var errors = new List<FieldError>();
        var ruling = TextRules.Text("reason", reason, MotionRules.MaxReasonLength, required: !admit, errors);
        DomainErrors.ThrowIfAny(errors);
        if (amendment.Status != AmendmentStatus.Submitted)
            throw new DomainException(DomainErrorKind.StateConflict, $"Amendment {amendment.Id} is {MotionRules.Words(amendment.Status)}; the chair decides only a submitted amendment.");
        var order = admit ? MotionRules.Pending(state.State.Amendments).Select(a => a.Order).DefaultIfEmpty(0).Max() + 1 : 0;
        await WriteAmendmentAsync(amendment with { Status = admit ? AmendmentStatus.Admitted : AmendmentStatus.OutOfOrder, Ruling = ruling, Order = order, DecidedAt = admit ? null : clock.GetUtcNow() },
            new AuditRecord(actor, admit ? "amendment.admitted" : "amendment.ruled-out-of-order", Subject, AuditDetails.Of(new { amendment = amendment.Id, reason = ruling })));
        return View();
    }

    public async Task<Motion> OrderAsync(IReadOnlyList<string> amendmentIds, string actor)
    {
        await ItemAsync();
        var pending = MotionRules.Pending(state.State.Amendments);
        if (amendmentIds.Count != pending.Count || amendmentIds.Distinct(StringComparer.Ordinal).Count() != pending.Count || pending.Any(a => !amendmentIds.Contains(a.Id)))
            throw DomainException.Invalid("amendment_ids",
                $"amendment_ids must list each of the {pending.Count} admitted amendments not yet voted on exactly once ({string.Join(", ", pending.Select(a => a.Id))}).");
        var amendments = state.State.Amendments.Select(a => amendmentIds.ToList().IndexOf(a.Id) is var i and >= 0 ? a with { Order = i + 1 } : a).ToList();
        await WriteAsync(state.State with { Amendments = amendments },
            new AuditRecord(actor, "amendments.ordered", Subject, AuditDetails.Of(new { order = amendmentIds })));
        return View();
    }

    public async Task BallotOpeningAsync(string ballotId, string amendmentId)
    {
        var item = await ItemAsync();
        if (MotionRules.OpeningRefusal(View(), amendmentId, item.Number) is { } refusal)
            throw refusal;
    }

    public async Task BallotClosedAsync(string ballotId, string amendmentId, BallotOutcome outcome)
    {
        // No quorum decides nothing: an amendment stays admitted (to be voted again), the motion open.
        if (outcome == BallotOutcome.NoQuorum)
            return;
        if (amendmentId.Length == 0)
        {
            if (!state.State.Decided)
                await WriteAsync(state.State with { Decided = true });
            return;
        }
        var amendment = state.State.Amendments.FirstOrDefault(a => a.Id == amendmentId);
        if (amendment is null || amendment.Status != AmendmentStatus.Admitted)
            return;   // idempotent: a repeated report changes nothing
        var now = clock.GetUtcNow();
        if (outcome == BallotOutcome.Adopted && MotionRules.Apply(state.State.Text, amendment, state.State.ParagraphsMade + 1) is var (text, replaced))
        {
            var adopted = amendment with { Status = AmendmentStatus.Adopted, BallotId = ballotId, DecidedAt = now, ReplacedText = replaced };
            await WriteAsync(state.State with
            {
                Text = text,
                ParagraphsMade = state.State.ParagraphsMade + (amendment.Kind == AmendmentKind.Insert ? 1 : 0),
                Amendments = state.State.Amendments.Select(a => a.Id == amendmentId ? adopted : a).ToList(),
            }, new AuditRecord("system", "amendment.adopted", Subject, AuditDetails.Of(new { amendment = amendmentId, ballot = ballotId })));
            return;
        }
        await WriteAmendmentAsync(amendment with { Status = AmendmentStatus.Rejected, BallotId = ballotId, DecidedAt = now },
            new AuditRecord("system", "amendment.rejected", Subject, AuditDetails.Of(new { amendment = amendmentId, ballot = ballotId, outcome })));
    }

    private Motion View() =>
        new(ItemId, state.State.Tabled.ToArray(), state.State.Text.ToArray(), state.State.Amendments.ToArray(), state.State.Decided);

    private string Subject => $"motion/{ItemId}";

    private Task<AgendaItem> ItemAsync() => GrainFactory.GetGrain<IAgendaGrain>(AssemblyId).GetItemAsync(ItemId);

    private async Task<AgendaItem> DecisionItemAsync()
    {
        var item = await ItemAsync();
        if (item.Kind != AgendaItemKind.Decision)
            throw new DomainException(DomainErrorKind.StateConflict, $"Item {item.Number} is a {item.Kind.ToString().ToLowerInvariant()} item; only a decision item has a motion.");
        if (item.Status == AgendaItemStatus.Closed)
            throw new DomainException(DomainErrorKind.StateConflict, $"Item {item.Number} is closed; its motion is closed.");
        return item;
    }

    // A motion that takes amendments: tabled, not yet decided, its item under discussion (not closed, no ballot open on it).
    private async Task<AgendaItem> OpenMotionAsync()
    {
        var item = await DecisionItemAsync();
        if (state.State.Text.Count == 0)
            throw new DomainException(DomainErrorKind.StateConflict, $"Item {item.Number} has no motion text yet; the secretariat tables it first.");
        if (state.State.Decided)
            throw new DomainException(DomainErrorKind.StateConflict, $"The motion of item {item.Number} has been voted on; it takes no more amendments.");
        if (item.Status == AgendaItemStatus.Voting)
            throw new DomainException(DomainErrorKind.StateConflict, $"A ballot is open on item {item.Number}; amendments are submitted while it is under discussion.");
        return item;
    }

    private Amendment Find(string amendmentId, AgendaItem item) =>
        state.State.Amendments.FirstOrDefault(a => a.Id == amendmentId)
        ?? throw DomainException.NotFound($"No amendment \"{TextRules.Shorten(amendmentId)}\" to item {item.Number} exists.");

    private Task WriteAmendmentAsync(Amendment next, AuditRecord? audit) =>
        WriteAsync(state.State with { Amendments = state.State.Amendments.Select(a => a.Id == next.Id ? next : a).ToList() }, audit);

    // Every stored change is told to the nodes watching the motion.
    private async Task WriteAsync(MotionState next, AuditRecord? audit = null)
    {
        await (audit is null ? state.WriteStateAsync(next) : state.WriteStateAsync(next, audit));
        Feed.Changed();
    }
}
