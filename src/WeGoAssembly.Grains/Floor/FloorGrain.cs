using Microsoft.Extensions.Logging;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Floor;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Grains.Storage;
using WeGoAssembly.Grains.Voting;

namespace WeGoAssembly.Grains.Floor;

/// <summary>The persisted floor of one agenda item.</summary>
public sealed record FloorState
{
    public bool Closed { get; set; }

    public TimeSpan? Limit { get; set; }

    public List<SpeakerRequest> Queue { get; set; } = [];

    public CurrentSpeaker? Current { get; set; }

    public List<Speech> Speeches { get; set; } = [];

    public int RequestsMade { get; set; }
}

/// <summary>
/// The floor of one agenda item: a grain per item, so a busy debate on one item never waits behind another, and the
/// list, the timer and the record of speeches change in one turn. The chair's decisions are audited; starting and
/// pausing the timer are not (the speech's recorded time says what they amounted to). Every stored change is
/// pushed to the nodes watching the item.
/// </summary>
[GrainType("floor")]
public sealed class FloorGrain(
    [PersistentState("floor")] IPersistentState<Audited<FloorState>> stored,
    TimeProvider clock,
    ChangeRecording recording,
    ILogger<FloorGrain> logger)
    : AuditedGrain<FloorState>(stored, recording), IFloorGrain
{
    private ChangeFeed? feed;

    private string ItemId => this.GetPrimaryKeyString();

    private string AssemblyId => VotingIds.AssemblyOf(ItemId) ?? ItemId;

    public async Task<(FloorView Floor, SpeakerRequest Request)> RequestAsync(string participantId, SpeechKind kind, string actor)
    {
        var item = await OpenItemAsync();
        var person = await AccreditedAsync(participantId);
        var floor = state.State;
        if (SpeakersList.Refusal(floor.Queue, !floor.Closed, person.Id, person.DisplayName, kind, item.Number) is { } refusal)
            throw refusal;
        var request = new SpeakerRequest($"r{floor.RequestsMade + 1}", person.Id, person.MemberCityId, person.DisplayName, kind, clock.GetUtcNow());
        var queue = floor.Queue.ToList();
        queue.Insert(SpeakersList.PlaceOf(queue, kind), request);
        await WriteAsync(floor with { Queue = queue, RequestsMade = floor.RequestsMade + 1 },
            new AuditRecord(actor, "floor.requested", Subject, AuditDetails.Of(new { request = request.Id, participant = person.Id, request.Kind })));
        return (View(), request);
    }

    public async Task<FloorView> WithdrawAsync(string requestId, string? onlyOf, string actor)
    {
        var item = await ItemAsync();
        var request = Waiting(requestId, item);
        if (onlyOf is not null && request.ParticipantId != onlyOf)
            throw new DomainException(DomainErrorKind.Forbidden, $"Withdrawing request {request.Id} needs the Secretariat role, or to be the participant who asked for it.");
        await WriteAsync(state.State with { Queue = state.State.Queue.Where(r => r.Id != request.Id).ToList() },
            new AuditRecord(actor, "floor.withdrawn", Subject, AuditDetails.Of(new { request = request.Id, participant = request.ParticipantId })));
        return View();
    }

    public async Task<FloorView> ReorderAsync(IReadOnlyList<string> requestIds, string actor)
    {
        await ItemAsync();
        var queue = SpeakersList.Reordered(state.State.Queue, requestIds);
        await WriteAsync(state.State with { Queue = queue }, new AuditRecord(actor, "floor.reordered", Subject, AuditDetails.Of(new { order = requestIds })));
        return View();
    }

    public async Task<FloorView> GiveFloorAsync(string? requestId, string actor)
    {
        var item = await OpenItemAsync();
        var floor = state.State;
        var request = requestId is null
            ? floor.Queue.FirstOrDefault() ?? throw new DomainException(DomainErrorKind.StateConflict, $"Nobody is waiting to speak on item {item.Number}.")
            : Waiting(requestId, item);
        var now = clock.GetUtcNow();
        var ended = floor.Current is { } current ? Ended(current, now) : null;
        await WriteAsync(floor with
        {
            Queue = floor.Queue.Where(r => r.Id != request.Id).ToList(),
            Current = new CurrentSpeaker(request, now, TimeSpan.Zero, now),
            Speeches = ended is null ? floor.Speeches : [.. floor.Speeches, ended],
        }, new AuditRecord(actor, "floor.given", Subject, AuditDetails.Of(new
        {
            request = request.Id, participant = request.ParticipantId,
            ended = ended is null ? null : new { participant = ended.Request.ParticipantId, seconds = (int)ended.Duration.TotalSeconds },
        })));
        return View();
    }

    public async Task<FloorView> StartTimerAsync(string actor)
    {
        var current = Speaking(await ItemAsync());
        if (current.RunningSince is null)
            await WriteAsync(state.State with { Current = current with { RunningSince = clock.GetUtcNow() } }, audit: null);
        return View();
    }

    public async Task<FloorView> PauseTimerAsync(string actor)
    {
        var current = Speaking(await ItemAsync());
        if (current.RunningSince is not null)
        {
            var now = clock.GetUtcNow();
            await WriteAsync(state.State with { Current = current with { ElapsedBefore = current.ElapsedAt(now), RunningSince = null } }, audit: null);
        }
        return View();
    }

    public async Task<(FloorView Floor, Speech Speech)> StopTimerAsync(string actor)
    {
        var speech = Ended(Speaking(await ItemAsync()), clock.GetUtcNow());
        await WriteAsync(state.State with { Current = null, Speeches = [.. state.State.Speeches, speech] },
            new AuditRecord(actor, "floor.speech-ended", Subject,
                AuditDetails.Of(new { request = speech.Request.Id, participant = speech.Request.ParticipantId, seconds = (int)speech.Duration.TotalSeconds })));
        return (View(), speech);
    }

    public async Task<FloorView> SetTimeLimitAsync(TimeSpan? limit, string actor)
    {
        var checkedLimit = SpeakersList.Limit(limit);
        await ItemAsync();
        if (checkedLimit != state.State.Limit)
            await WriteAsync(state.State with { Limit = checkedLimit },
                new AuditRecord(actor, "floor.time-limit-set", Subject, AuditDetails.Of(new { seconds = (int?)checkedLimit?.TotalSeconds })));
        return View();
    }

    public async Task<FloorView> SetListOpenAsync(bool open, string actor)
    {
        await ItemAsync();
        if (open == state.State.Closed)
            await WriteAsync(state.State with { Closed = !open }, new AuditRecord(actor, open ? "floor.list-reopened" : "floor.list-closed", Subject, "{}"));
        return View();
    }

    public async Task<FloorView> GetAsync()
    {
        // A floor never written may be of an item that does not exist: ask the agenda once.
        if (!state.RecordExists)
            await ItemAsync();
        return View();
    }

    public Task WatchAsync(IChangeListener listener) => Feed.WatchAsync(listener);

    public Task UnwatchAsync(IChangeListener listener) => Feed.UnwatchAsync(listener);

    private ChangeFeed Feed => feed ??= new(VotingHub.FloorTopic(ItemId), logger);

    private string Subject => $"floor/{ItemId}";

    private FloorView View()
    {
        var floor = state.State;
        return new FloorView(ItemId, !floor.Closed, floor.Limit, floor.Queue.ToArray(), floor.Current, floor.Speeches.ToArray(), clock.GetUtcNow());
    }

    private async Task WriteAsync(FloorState next, AuditRecord? audit)
    {
        await (audit is null ? state.WriteStateAsync(next) : state.WriteStateAsync(next, audit));
        Feed.Changed();
    }

    private Task<AgendaItem> ItemAsync() => GrainFactory.GetGrain<IAgendaGrain>(AssemblyId).GetItemAsync(ItemId);

    // The item, refused when closed: nobody asks for or is given the floor on an item that is dealt with.
    private async Task<AgendaItem> OpenItemAsync()
    {
        var item = await ItemAsync();
        return item.Status != AgendaItemStatus.Closed ? item
            : throw new DomainException(DomainErrorKind.StateConflict, $"Item {item.Number} is closed; the floor is no longer given on it.");
    }

    private async Task<Participant> AccreditedAsync(string participantId)
    {
        var (assemblyId, memberCityId) = ParticipantIds.Parse("participant_id", participantId);
        if (assemblyId != AssemblyId)
            throw DomainException.Invalid("participant_id", $"Participant {participantId} belongs to assembly {assemblyId}, not to {AssemblyId}.");
        var delegation = await GrainFactory.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(assemblyId, memberCityId)).GetAsync();
        var person = delegation.Participants.FirstOrDefault(p => p.Id == participantId.Trim())
            ?? throw DomainException.NotFound($"No participant {participantId} is registered in the delegation of {memberCityId} to {assemblyId}.");
        return person.Status is AccreditationStatus.Approved or AccreditationStatus.BadgeIssued ? person
            : throw new DomainException(DomainErrorKind.StateConflict,
                $"{person.DisplayName}'s accreditation is {person.Status.ToString().ToLowerInvariant()}; only accredited participants ask for the floor.");
    }

    private SpeakerRequest Waiting(string requestId, AgendaItem item) =>
        state.State.Queue.FirstOrDefault(r => r.Id == requestId)
        ?? throw DomainException.NotFound($"No request \"{TextRules.Shorten(requestId)}\" is waiting on item {item.Number} (it may have been given the floor or withdrawn).");

    private CurrentSpeaker Speaking(AgendaItem item) =>
        state.State.Current ?? throw new DomainException(DomainErrorKind.StateConflict, $"Nobody has the floor on item {item.Number}.");

    private static Speech Ended(CurrentSpeaker current, DateTimeOffset now) =>
        new(current.Request, current.GivenAt, now, current.ElapsedAt(now));
}
