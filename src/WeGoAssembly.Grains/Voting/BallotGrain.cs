using Microsoft.Extensions.Logging;
using System.Security.Cryptography;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Voting;

/// <summary>The persisted part of a ballot: its definition and status, and the result once closed. Votes live in the ballot ledger.</summary>
public sealed record BallotState
{
    public Ballot? Ballot { get; set; }

    public BallotResult? Result { get; set; }
}

/// <summary>
/// One ballot. CastVote is interleaved (<see cref="IBallotGrain.CastVoteAsync"/>): a call checks the vote (open,
/// entitled, the right person in the hall, one vote per member) and marks it in memory in one stretch with no await,
/// queues its ledger row with the group-commit writer, and awaits that commit before answering — while it waits,
/// the next votes run and join the same commit. If a commit fails, its callers get UNAVAILABLE and this activation
/// is dropped at its next turn; the next one reloads the voted set and tally from the ledger, so memory never counts
/// a vote that was not stored. The ledger's unique key (ballot, member) is the last word on one vote per member,
/// even if two activations of a ballot ever ran at once.
/// </summary>
[GrainType("ballot")]
public sealed partial class BallotGrain(
    [PersistentState("ballot")] IPersistentState<Audited<BallotState>> stored,
    IBallotLedger ledger,
    VotingHub hub,
    IDeadlineScheduler deadlines,
    IBallotReminders reminders,
    TimeProvider clock,
    ILogger<BallotGrain> logger,
    ChangeRecording recording) : AuditedGrain<BallotState>(stored, recording), IBallotGrain
{
    // The nodes whose live streams watch this ballot; and this node's watch of the assembly's quorum, which tells the
    // cached roll below that presence or proxies changed, wherever the assembly grain runs.
    private ChangeFeed? feed;
    private Watch? quorumWatch;

    private const string DeadlineName = "deadline", ReminderName = "reminder";

    // The ledger in memory: who voted (and through whom), receipts by idempotency key, counters.
    private readonly Dictionary<string, CastRecord> voted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Cast> byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> tally = new(StringComparer.Ordinal);
    private int durableVotes;
    private bool ledgerFailed;
    // Set for the whole of a close, before its first await: votes arriving meanwhile are refused, not half-counted.
    private bool closing;
    // Set while the opening is being stored: the state in memory says Open before the write has succeeded.
    private bool opening;

    // Who may vote, as the assembly grain last said; refreshed when its quorum topic moved on.
    private VotingRoll? roll;
    private long rollVersion = -1;

    private sealed record CastRecord(string CastBy, string? StoredChoice);

    /// <summary>A vote taken: its receipt and the commit of its ledger row.</summary>
    private sealed record Cast(VoteReceipt Receipt, Task Durable);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        // Votes queued by an earlier activation land first, so what is read here is complete.
        await ledger.FlushAsync();
        Load(await ledger.ReadAsync(this.GetPrimaryKeyString()));
        Activated(logger, this.GetPrimaryKeyString(), voted.Count);
    }

    /// <summary>Memory's voted set, receipts and counters from the ledger, the last word on who voted and how.</summary>
    private void Load(LedgerContents contents)
    {
        voted.Clear();
        tally.Clear();
        foreach (var v in contents.Voters)
        {
            voted[v.MemberCityId] = new(v.CastBy, v.StoredChoice);
            byKey.TryAdd(v.IdempotencyKey, new(new VoteReceipt(v.ReceiptId, this.GetPrimaryKeyString(), v.MemberCityId, null, Replayed: true), Task.CompletedTask));
        }
        foreach (var (choice, votes) in contents.Tally)
            tally[choice] = votes;
        durableVotes = voted.Count;
    }

    public async Task<Ballot> CreateAsync(Ballot ballot, string actor)
    {
        if (state.State.Ballot is not null)
            throw new DomainException(DomainErrorKind.AlreadyExists, $"Ballot {this.GetPrimaryKeyString()} exists already.");
        var created = ballot with { Id = this.GetPrimaryKeyString(), Status = BallotStatus.Draft, OpenedAt = null, ClosedAt = null };
        await state.WriteStateAsync(state.State with { Ballot = created }, new AuditRecord(actor, "ballot.created", Subject,
            AuditDetails.Of(new { created.AgendaItemId, created.QuestionEn, created.Kind, created.Method, created.MajorityRule, created.Seats, created.Deadline })));
        return created;
    }

    public async Task<(Ballot Ballot, QuorumCount Quorum)> OpenAsync(DateTimeOffset? deadline, string actor)
    {
        CheckLedger();
        var ballot = Require();
        if (ballot.Status != BallotStatus.Draft)
            throw new DomainException(DomainErrorKind.StateConflict, $"Ballot {ballot.Id} is {ballot.Status}; only a draft ballot can be opened.");
        deadline ??= ballot.Deadline;
        var now = clock.GetUtcNow();
        if (deadline is { } due && due <= now)
            throw DomainException.Invalid("deadline", $"The deadline {due:u} has passed; give one in the future or none.");
        if (ballot.RemindBefore is { } remindBefore && deadline is null)
            throw DomainException.Invalid("deadline", $"Ballot {ballot.Id} asks for a reminder {remindBefore} before its deadline but has none; give a deadline, or create it without a reminder.");
        var current = await RefreshRollAsync();
        var quorum = current.Quorum;
        if (!quorum.Met)
            throw new DomainException(DomainErrorKind.StateConflict,
                $"Quorum is not met, so ballot {ballot.Id} cannot open: {quorum.Present} present of {quorum.Eligible} voting-eligible members, {quorum.Required} required.");
        // A motion's amendments are voted before it, in the chair's order (the motion grain never calls a ballot back).
        if (ballot.Kind == BallotKind.Motion)
            await GrainFactory.GetGrain<Contracts.Floor.IMotionGrain>(ballot.AgendaItemId).BallotOpeningAsync(ballot.Id, ballot.AmendmentId);
        await GrainFactory.GetGrain<IAgendaGrain>(ballot.AssemblyId).BallotOpenedAsync(ballot.AgendaItemId, ballot.Id);
        var opened = ballot with { Status = BallotStatus.Open, OpenedAt = now, Deadline = deadline };
        opening = true;
        try
        {
            await state.WriteStateAsync(state.State with { Ballot = opened }, new AuditRecord(actor, "ballot.opened", Subject,
                AuditDetails.Of(new { deadline, quorum = new { quorum.Present, quorum.Eligible, quorum.Required } })));
        }
        finally
        {
            opening = false;
        }
        if (deadline is { } at)
        {
            await deadlines.ScheduleAsync(this.GetGrainId(), DeadlineName, at);
            if (opened.RemindBefore is { } before && at - before > now)
                await deadlines.ScheduleAsync(this.GetGrainId(), ReminderName, at - before);
        }
        Feed.Changed();
        return (opened, quorum);
    }

    public async Task<VoteReceipt> CastVoteAsync(Voter voter, string memberCityId, VoteChoice choice, string idempotencyKey)
    {
        CheckCast(voter, idempotencyKey);
        // The roll is usually cached; when it is fetched, other votes run meanwhile, so everything is checked again after.
        var rights = (await CurrentRollAsync()).VoteRights;
        if (CheckCast(voter, idempotencyKey) is { } earlier)
            return await ReplayAsync(earlier);

        // From here to the ledger append: no await, so no other vote of this member can slip in between check and mark.
        var ballot = Require();
        if (voted.ContainsKey(memberCityId))
            throw new DomainException(DomainErrorKind.AlreadyExists, $"The vote of {memberCityId} on ballot {ballot.Id} is already cast; a member votes once.");
        if (!rights.TryGetValue(memberCityId, out var right))
            throw new DomainException(DomainErrorKind.Forbidden, $"{memberCityId} is not a voting-eligible member at this assembly.");
        if (!right.MayVote)
            throw new DomainException(DomainErrorKind.Forbidden, right.Reason);
        if (voter.MemberCityId != right.CastByMemberCityId || voter.Role != right.CastByRole)
            throw new DomainException(DomainErrorKind.Forbidden,
                $"The vote of {memberCityId} is cast now by the {right.CastByRole} of {right.CastByMemberCityId} ({right.Reason}); " +
                $"you are the {voter.Role} of {voter.MemberCityId}.");

        var (keys, storedChoice) = BallotRules.Choice(ballot, choice);
        var receipt = new VoteReceipt(NewReceiptId(), ballot.Id, memberCityId, clock.GetUtcNow(), Replayed: false);
        var durable = ledger.AppendAsync(new LedgerVote(ballot.Id, memberCityId, idempotencyKey, receipt.ReceiptId, right.CastByMemberCityId!, storedChoice, keys));
        voted[memberCityId] = new(right.CastByMemberCityId!, storedChoice);
        foreach (var key in keys)
            tally[key] = tally.GetValueOrDefault(key) + 1;
        byKey[idempotencyKey] = new(receipt, durable);

        await AwaitDurableAsync(durable);
        durableVotes++;
        Feed.Changed();
        return receipt;
    }

    /// <summary>The checks a vote passes before and after any await: a replayed key returns its earlier cast.</summary>
    private Cast? CheckCast(Voter voter, string idempotencyKey)
    {
        CheckLedger();
        var ballot = Require();
        if (byKey.TryGetValue(idempotencyKey, out var earlier))
            return earlier;
        if (ballot.Status != BallotStatus.Open || closing || opening)
            throw new DomainException(DomainErrorKind.StateConflict,
                ballot.Status == BallotStatus.Draft || opening ? $"Ballot {ballot.Id} is not open yet." : $"Ballot {ballot.Id} is closed; no more votes are taken.");
        // The deadline itself ends the voting, not the job that closes the ballot a moment later.
        if (ballot.Deadline is { } deadline && clock.GetUtcNow() >= deadline)
            throw new DomainException(DomainErrorKind.StateConflict, $"Ballot {ballot.Id} closed at its deadline, {deadline:yyyy-MM-dd HH:mm:ss} UTC; no more votes are taken.");
        if (voter.AssemblyId != ballot.AssemblyId)
            throw new DomainException(DomainErrorKind.Forbidden, $"You are a participant of \"{voter.AssemblyId}\"; ballot {ballot.Id} is of \"{ballot.AssemblyId}\".");
        return null;
    }

    private async Task<VoteReceipt> ReplayAsync(Cast earlier)
    {
        await AwaitDurableAsync(earlier.Durable);
        return earlier.Receipt with { Replayed = true };
    }

    private async Task AwaitDurableAsync(Task durable)
    {
        try
        {
            await durable;
        }
        catch (Exception exception)
        {
            // Memory counts this vote, the ledger does not: drop the activation (CheckLedger) so the next one reloads.
            ledgerFailed = true;
            throw exception as LedgerUnavailableException
                ?? new LedgerUnavailableException("The vote ledger failed to store this vote; nothing of it counts. Retry.", exception);
        }
    }

    public Task<(Ballot Ballot, BallotResult Result)> CloseAsync(string actor) => CloseCoreAsync(actor, fromDeadline: false);

    public async Task DeadlineDueAsync(string name, DateTimeOffset dueTime)
    {
        // At least once, perhaps stale: only the ballot's current deadline closes it — once passed, or when this is its
        // own delivery (a timer may fire a few milliseconds early); a delivery for a deadline since moved later does nothing.
        if (name == DeadlineName && state.State.Ballot is { Status: BallotStatus.Open, Deadline: { } deadline } && !closing
            && (deadline <= clock.GetUtcNow() || deadline <= dueTime))
            await CloseCoreAsync("system", fromDeadline: true);
        else if (name == ReminderName && state.State.Ballot is { Status: BallotStatus.Open, Deadline: { } closesAt } ballot && !closing
                 && clock.GetUtcNow() < closesAt)
            await RemindAsync(ballot);
    }

    /// <summary>Who has not voted yet (only who, never how), and through whom each vote would be cast.</summary>
    private async Task RemindAsync(Ballot ballot)
    {
        var current = await RefreshRollAsync();
        var missing = current.EligibleMemberCityIds.Where(id => !voted.ContainsKey(id))
            .ToDictionary(id => id, id => current.VoteRights.GetValueOrDefault(id) is { ThroughProxy: true, CastByMemberCityId: { } holder } ? holder : id,
                StringComparer.Ordinal);
        await reminders.RemindAsync(ballot, missing);
    }

    private async Task<(Ballot Ballot, BallotResult Result)> CloseCoreAsync(string actor, bool fromDeadline)
    {
        CheckLedger();
        var ballot = Require();
        if (ballot.Status != BallotStatus.Open || closing)
            throw new DomainException(DomainErrorKind.StateConflict, $"Ballot {ballot.Id} is {ballot.Status}; only an open ballot can be closed.");
        closing = true;
        try
        {
            // Every vote accepted so far must be in the ledger before it is counted.
            await ledger.FlushAsync();
            if (byKey.Values.Any(t => !t.Durable.IsCompletedSuccessfully))
                ledgerFailed = true;
            CheckLedger();
            // Counted from what the sealed ledger holds, not from memory: in a cluster another activation of this ballot
            // may for a moment have taken votes too (the ledger's key kept one per member), and after the seal none of
            // them can store a vote this count would miss.
            Load(await ledger.SealAsync(ballot.Id));
            return await CountAndCloseAsync(ballot, actor, fromDeadline);
        }
        finally
        {
            closing = false;
        }
    }

    private async Task<(Ballot Ballot, BallotResult Result)> CountAndCloseAsync(Ballot ballot, string actor, bool fromDeadline)
    {
        var current = await RefreshRollAsync();
        var eligible = current.EligibleMemberCityIds;
        var count = BallotRules.Decide(ballot, tally, voted.Count, eligible.Count, current.Quorum.Met);
        var members = eligible.Concat(voted.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(id =>
        {
            var right = current.VoteRights.GetValueOrDefault(id);
            var present = (current.Presence.GetValueOrDefault(id)?.Present ?? false) || right is { MayVote: true, ThroughProxy: true };
            var cast = voted.GetValueOrDefault(id);
            var (motion, candidates) = BallotRules.ReadStoredChoice(ballot, ballot.Method == BallotMethod.RollCall ? cast?.StoredChoice : null);
            return new MemberBallotRecord(id, current.VoteRights.ContainsKey(id), present, cast is not null, cast?.CastBy ?? "", motion, candidates);
        }).ToArray();
        var result = new BallotResult(ballot.Id, count.Outcome, count.VotesCast, count.Counts, count.BlankBallots, count.MajorityBase, count.VotesNeeded,
            count.Elected, count.Runoff, count.TiedForChair, current.Quorum, members);
        var closed = ballot with { Status = BallotStatus.Closed, ClosedAt = clock.GetUtcNow() };
        await state.WriteStateAsync(state.State with { Ballot = closed, Result = result }, new AuditRecord(actor, "ballot.closed", Subject,
            AuditDetails.Of(new
            {
                fromDeadline, count.Outcome, count.VotesCast, counts = count.Counts, count.MajorityBase, count.VotesNeeded,
                quorum = new { current.Quorum.Present, current.Quorum.Eligible, current.Quorum.Required, current.Quorum.Met },
            })));
        await GrainFactory.GetGrain<IAgendaGrain>(ballot.AssemblyId).BallotClosedAsync(ballot.AgendaItemId, ballot.Id);
        if (ballot.Kind == BallotKind.Motion)
            await GrainFactory.GetGrain<Contracts.Floor.IMotionGrain>(ballot.AgendaItemId).BallotClosedAsync(ballot.Id, ballot.AmendmentId, result.Outcome);
        if (!fromDeadline && closed.Deadline is not null)
            await deadlines.CancelAsync(this.GetGrainId(), DeadlineName);
        if (closed.RemindBefore is not null && closed.Deadline is not null)
            await deadlines.CancelAsync(this.GetGrainId(), ReminderName);
        Feed.Changed();
        return (closed, result);
    }

    public async Task<BallotView> GetAsync()
    {
        CheckLedger();
        var ballot = Require();
        var entitled = state.State.Result?.Members.Count(m => m.Entitled) ?? (await CurrentRollAsync()).EligibleMemberCityIds.Count;
        var showCounts = ballot.Method == BallotMethod.RollCall || ballot.Status == BallotStatus.Closed;
        var tallyNow = new BallotTally(durableVotes, entitled, showCounts ? BallotRules.Counts(ballot, tally) : [], clock.GetUtcNow());
        return new BallotView(ballot, tallyNow, state.State.Result);
    }

    private ChangeFeed Feed => feed ??= new(VotingHub.BallotTopic(this.GetPrimaryKeyString()), logger);

    public Task WatchAsync(IChangeListener listener) => Feed.WatchAsync(listener);

    public Task UnwatchAsync(IChangeListener listener) => Feed.UnwatchAsync(listener);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        quorumWatch?.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private async Task<VotingRoll> CurrentRollAsync()
    {
        var assemblyId = Require().AssemblyId;
        quorumWatch ??= hub.Subscribe(VotingHub.QuorumTopic(assemblyId));
        var version = hub.Version(VotingHub.QuorumTopic(assemblyId));
        if (roll is null || version != rollVersion)
        {
            // The version is read before the fetch: a change during the fetch makes the next call fetch again.
            roll = await GrainFactory.GetGrain<IAssemblyGrain>(assemblyId).GetVotingRollAsync();
            rollVersion = version;
        }
        return roll;
    }

    private async Task<VotingRoll> RefreshRollAsync()
    {
        roll = null;
        return await CurrentRollAsync();
    }

    private void CheckLedger()
    {
        if (!ledgerFailed)
            return;
        // Memory may count a vote whose batch failed: drop this activation; the next one reloads the ledger.
        DeactivateOnIdle();
        throw new LedgerUnavailableException("The vote ledger failed to store a batch of votes; the ballot is reloading from what was stored. Retry.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ballot {BallotId} activated on this node with {Votes} votes from the ledger")]
    private static partial void Activated(ILogger logger, string ballotId, int votes);

    private Ballot Require() => state.State.Ballot
        ?? throw DomainException.NotFound($"No ballot \"{this.GetPrimaryKeyString()}\" exists.");

    private string Subject => $"ballot/{this.GetPrimaryKeyString()}";

    private static string NewReceiptId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
