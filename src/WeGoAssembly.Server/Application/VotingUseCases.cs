using System.Collections.Concurrent;
using System.Diagnostics;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Grains.Voting;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using Orleans;
using WeGoAssembly.Server.Auth;
using MotionChoice = WeGoAssembly.Protos.V1.MotionChoice;
using ParticipantRole = WeGoAssembly.Contracts.Accreditation.ParticipantRole;

namespace WeGoAssembly.Server.Application;

/// <summary>
/// gRPC edge of voting. CastVote awaits the vote's durability here, after the ballot grain's turn: the
/// grain validates and queues the vote for the group-commit ledger, and the reply goes out only once the
/// batch holding the vote has committed (UNAVAILABLE if it failed; nothing of the vote then counts).
/// </summary>
public sealed class VotingUseCases(IGrainFactory grains, VotingHub hub, ParticipantRoles roles)
{
    public async Task<CreateBallotResponse> CreateBallot(CreateBallotRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var proto = request.Ballot ?? throw DomainException.Invalid("ballot", "ballot is required.");
        var assemblyId = AgendaUseCases.AssemblyOf("ballot.agenda_item_id", proto.AgendaItemId);
        var ballot = BallotRules.Validate(proto.ToDomain() with { AssemblyId = assemblyId });

        // A runoff follows an election ballot of the same assembly; anything else is not an id (PostgreSQL refused a NUL in it with an error).
        if (ballot.RunoffOfBallotId.Length > 0
            && (VotingIds.AssemblyOf(ballot.RunoffOfBallotId) != assemblyId || !ballot.RunoffOfBallotId.Contains(".ballot-", StringComparison.Ordinal)))
        {
            throw DomainException.Invalid("ballot.runoff_of_ballot_id",
                $"ballot.runoff_of_ballot_id \"{TextRules.Shorten(ballot.RunoffOfBallotId)}\" is not a ballot of assembly {assemblyId} (such as \"{VotingIds.Ballot(assemblyId, 1)}\"); leave it empty unless this is a runoff.");
        }

        if (ballot.AmendmentId.Length > 0)
            await AdmittedAmendmentAsync(ballot);

        var agenda = grains.GetGrain<IAgendaGrain>(assemblyId);
        var ballotId = await agenda.AllocateBallotAsync(ballot.AgendaItemId, ballot.Kind, caller.Actor);
        var created = await grains.GetGrain<IBallotGrain>(ballotId).CreateAsync(ballot, caller.Actor);
        return new() { Ballot = created.ToProto() };
    }

    public async Task<OpenBallotResponse> OpenBallot(OpenBallotRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var (ballot, quorum) = await Ballot(request.BallotId).OpenAsync(request.Deadline?.ToDateTimeOffset(), caller.Actor);
        return new() { Ballot = ballot.ToProto(), Quorum = quorum.ToProto() };
    }

    public async Task<CastVoteResponse> CastVote(CastVoteRequest request, CallContext context)
    {
        var caller = context.Require(Role.Participant);
        var participant = caller.Participant
            ?? throw new RpcException(new Status(StatusCode.PermissionDenied, "Only a participant signed in with their access code can vote."));
        var ballot = Ballot(request.BallotId);
        var memberCityId = RequestChecks.Id("member_city_id", request.MemberCityId);
        var key = request.IdempotencyKey ?? "";
        if (key.Length is < 16 or > 64 || key.Any(c => c is < '!' or > '~'))
            throw DomainException.Invalid("idempotency_key", "idempotency_key must be 16 to 64 printable ASCII characters (a UUID).");
        var choice = new VoteChoice(
            request.MotionChoice == MotionChoice.Unspecified ? null : (Contracts.Voting.MotionChoice)request.MotionChoice,
            request.CandidateIds.Select(c => c.Trim()).ToArray());
        var voter = new Voter(caller.Actor, participant.ParticipantId, participant.AssemblyId, participant.MemberCityId,
            await roles.RoleOfAsync(participant));

        // The ballot answers once the vote is durable.
        var receipt = await ballot.CastVoteAsync(voter, memberCityId, choice, key);
        return new() { Receipt = receipt.ToProto() };
    }

    public async Task<CloseBallotResponse> CloseBallot(CloseBallotRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var (ballot, result) = await Ballot(request.BallotId).CloseAsync(caller.Actor);
        return new() { Ballot = ballot.ToProto(), Result = result.ToProto() };
    }

    public async Task<GetBallotResultResponse> GetBallotResult(GetBallotResultRequest request, CallContext context)
    {
        context.Authenticated();
        var view = await Ballot(request.BallotId).GetAsync();
        if (view.Result is null)
            throw new DomainException(DomainErrorKind.StateConflict, $"Ballot {view.Ballot.Id} is {view.Ballot.Status}; its result exists once it is closed.");
        return new() { Ballot = view.Ballot.ToProto(), Result = view.Result.ToProto() };
    }

    public async Task<GetQuorumResponse> GetQuorum(GetQuorumRequest request, CallContext context)
    {
        context.Authenticated();
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        return new() { Quorum = (await grains.GetGrain<IAssemblyGrain>(assemblyId).GetQuorumAsync()).ToProto() };
    }

    public async Task<ListBallotsResponse> ListBallots(ListBallotsRequest request, CallContext context)
    {
        context.Authenticated();
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        var ids = await grains.GetGrain<IAgendaGrain>(assemblyId).ListBallotsAsync();
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<IBallotGrain>(id).GetAsync()));
        var response = new ListBallotsResponse();
        response.Ballots.AddRange(views.Select(v => v.Ballot.ToProto()));
        return response;
    }

    public async Task WatchQuorum(WatchQuorumRequest request, IServerStreamWriter<WatchQuorumResponse> stream, CallContext context)
    {
        context.Authenticated();
        var assembly = grains.GetGrain<IAssemblyGrain>(RequestChecks.Id("assembly_id", request.AssemblyId));
        using var watch = hub.Subscribe(VotingHub.QuorumTopic(request.AssemblyId.Trim()));
        var ct = context.CancellationToken;
        try
        {
            while (true)
            {
                await stream.WriteAsync(await watch.CurrentAsync(async () => new WatchQuorumResponse { Quorum = (await assembly.GetQuorumAsync()).ToProto() }), ct);
                await watch.ChangedAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: the stream ends quietly.
        }
    }

    public async Task WatchBallot(WatchBallotRequest request, IServerStreamWriter<WatchBallotResponse> stream, CallContext context)
    {
        context.Authenticated();
        var ballot = Ballot(request.BallotId);
        using var watch = hub.Subscribe(VotingHub.BallotTopic(request.BallotId.Trim()));
        var ct = context.CancellationToken;
        try
        {
            while (true)
            {
                // One grain call and one proto message per change, shared by every watcher of the ballot (never changed after).
                // The result goes without its per-member records (GetBallotResult has them): with 10,000 members they are
                // ~350 KB, which thousands of watchers would each be sent and buffer at the close.
                var message = await watch.CurrentAsync(async () =>
                {
                    var view = await ballot.GetAsync();
                    return new WatchBallotResponse { Ballot = view.Ballot.ToProto(), Tally = view.Tally.ToProto(), Result = view.Result is { } result ? (result with { Members = [] }).ToProto() : null };
                });
                await stream.WriteAsync(message, ct);
                var sent = Stopwatch.GetTimestamp();
                if (message.Ballot.Status == Protos.V1.BallotStatus.Closed)
                    return;   // the last message carries the result
                await watch.ChangedAsync(ct);
                // During a surge the count changes with every group commit: at most one message per watcher per
                // BallotWatchInterval (the changes in between go out as one, the latest), so the work is bounded by
                // watchers x 5 per second whatever the vote rate, and a slow reader is not sent a backlog of stale counts.
                var wait = BallotWatchInterval - Stopwatch.GetElapsedTime(sent);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    // A ballot on an amendment decides an admitted amendment to the motion of its own item.
    private async Task AdmittedAmendmentAsync(Contracts.Voting.Ballot ballot)
    {
        var id = MotionUseCases.AmendmentId(ballot.AmendmentId, "ballot.amendment_id");
        if (ballot.Kind != Contracts.Voting.BallotKind.Motion)
            throw DomainException.Invalid("ballot.amendment_id", "Only a motion ballot decides an amendment; leave amendment_id empty for an election.");
        var motion = await grains.GetGrain<Contracts.Floor.IMotionGrain>(ballot.AgendaItemId).GetAsync();
        var amendment = motion.Amendments.FirstOrDefault(a => a.Id == id)
            ?? throw DomainException.NotFound($"No amendment \"{id}\" to item {ballot.AgendaItemId} exists.");
        if (amendment.Status != Contracts.Floor.AmendmentStatus.Admitted)
            throw new DomainException(DomainErrorKind.StateConflict, $"Amendment {id} is {MotionRules.Words(amendment.Status)}; a ballot decides only an admitted amendment.");
    }

    private static readonly TimeSpan BallotWatchInterval = TimeSpan.FromMilliseconds(200);

    private IBallotGrain Ballot(string ballotId)
    {
        AgendaUseCases.AssemblyOf("ballot_id", ballotId);
        return grains.GetGrain<IBallotGrain>(ballotId.Trim());
    }
}

/// <summary>
/// A participant's role in their delegation, read once from the delegation grain and kept: a role does not
/// change after registration, and whether the person is in the hall is the assembly's presence, which the
/// ballot checks on every vote. Keeps a hop through the delegation (and assembly) grain off every vote.
/// </summary>
public sealed class ParticipantRoles(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<string, ParticipantRole> known = new(StringComparer.Ordinal);

    public async ValueTask<ParticipantRole> RoleOfAsync(ParticipantRef participant)
    {
        if (known.TryGetValue(participant.ParticipantId, out var role))
            return role;
        var person = await grains.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(participant.AssemblyId, participant.MemberCityId))
                .GetParticipantAsync(participant.ParticipantId)
            ?? throw new DomainException(DomainErrorKind.Forbidden, $"Casting {participant.MemberCityId}'s vote needs the city's voting delegate, alternate or proxy holder; participant {participant.ParticipantId} is not registered in the delegation of {participant.MemberCityId}.");
        return known[participant.ParticipantId] = person.Role;
    }
}
