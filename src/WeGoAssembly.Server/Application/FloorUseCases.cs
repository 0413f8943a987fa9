using Grpc.Core;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Floor;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Grains.Voting;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Auth;
using SpeechKind = WeGoAssembly.Contracts.Floor.SpeechKind;

namespace WeGoAssembly.Server.Application;

/// <summary>
/// The floor of each agenda item: participants ask for it (for themselves), the chair — the secretariat — runs it.
/// Reading and watching are for staff and for the participants of the item's own assembly.
/// </summary>
public sealed class FloorUseCases(IGrainFactory grains, VotingHub hub)
{
    public async Task<RequestFloorResponse> RequestFloor(RequestFloorRequest request, CallContext context)
    {
        var caller = context.Require(Role.Participant, Role.Secretariat);
        var floor = Floor(request.AgendaItemId);
        context.RequireOfAssembly(VotingIds.AssemblyOf(floor.GetPrimaryKeyString())!);
        var participantId = (request.ParticipantId ?? "").Trim();
        if (!caller.Roles.Contains(Role.Secretariat))
        {
            var self = caller.Participant
                ?? throw new RpcException(new Status(StatusCode.PermissionDenied, "Only a participant signed in with their access code asks for the floor for themselves."));
            if (participantId.Length > 0 && participantId != self.ParticipantId)
                throw new RpcException(new Status(StatusCode.PermissionDenied,
                    $"A participant asks for the floor for themselves only; you are {self.ParticipantId}, not {TextRules.Shorten(participantId)}. The secretariat asks on a participant's behalf."));
            participantId = self.ParticipantId;
        }
        else if (participantId.Length == 0)
            throw DomainException.Invalid("participant_id", "participant_id is required when the secretariat asks for the floor on a participant's behalf.");
        var (view, queued) = await floor.RequestAsync(participantId, (SpeechKind)request.Kind, caller.Actor);
        return new() { Floor = view.ToProto(), Request = queued.ToProto() };
    }

    public async Task<WithdrawFloorRequestResponse> WithdrawFloorRequest(WithdrawFloorRequestRequest request, CallContext context)
    {
        var caller = context.Require(Role.Participant, Role.Secretariat);
        var floor = Floor(request.AgendaItemId);
        context.RequireOfAssembly(VotingIds.AssemblyOf(floor.GetPrimaryKeyString())!);
        var onlyOf = caller.Roles.Contains(Role.Secretariat) ? null
            : caller.Participant?.ParticipantId ?? throw new RpcException(new Status(StatusCode.PermissionDenied, "Only a participant signed in with their access code withdraws their request."));
        return new() { Floor = (await floor.WithdrawAsync(RequestId(request.RequestId), onlyOf, caller.Actor)).ToProto() };
    }

    public async Task<ReorderSpeakersResponse> ReorderSpeakers(ReorderSpeakersRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var view = await Floor(request.AgendaItemId).ReorderAsync(request.RequestIds.Select(id => id.Trim()).ToArray(), caller.Actor);
        return new() { Floor = view.ToProto() };
    }

    public async Task<GiveFloorResponse> GiveFloor(GiveFloorRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var requestId = string.IsNullOrWhiteSpace(request.RequestId) ? null : RequestId(request.RequestId);
        return new() { Floor = (await Floor(request.AgendaItemId).GiveFloorAsync(requestId, caller.Actor)).ToProto() };
    }

    public async Task<StartSpeakingTimerResponse> StartSpeakingTimer(StartSpeakingTimerRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        return new() { Floor = (await Floor(request.AgendaItemId).StartTimerAsync(caller.Actor)).ToProto() };
    }

    public async Task<PauseSpeakingTimerResponse> PauseSpeakingTimer(PauseSpeakingTimerRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        return new() { Floor = (await Floor(request.AgendaItemId).PauseTimerAsync(caller.Actor)).ToProto() };
    }

    public async Task<StopSpeakingTimerResponse> StopSpeakingTimer(StopSpeakingTimerRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var (view, speech) = await Floor(request.AgendaItemId).StopTimerAsync(caller.Actor);
        return new() { Floor = view.ToProto(), Speech = speech.ToProto() };
    }

    public async Task<SetSpeakingTimeLimitResponse> SetSpeakingTimeLimit(SetSpeakingTimeLimitRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var limit = LogisticsMapping.Span("limit", request.Limit);
        return new() { Floor = (await Floor(request.AgendaItemId).SetTimeLimitAsync(limit, caller.Actor)).ToProto() };
    }

    public async Task<SetSpeakersListOpenResponse> SetSpeakersListOpen(SetSpeakersListOpenRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        return new() { Floor = (await Floor(request.AgendaItemId).SetListOpenAsync(request.Open, caller.Actor)).ToProto() };
    }

    public async Task<GetFloorResponse> GetFloor(GetFloorRequest request, CallContext context) =>
        new() { Floor = (await Readable(request.AgendaItemId, context).GetAsync()).ToProto() };

    public async Task WatchFloor(WatchFloorRequest request, IServerStreamWriter<WatchFloorResponse> stream, CallContext context)
    {
        var floor = Readable(request.AgendaItemId, context);
        await floor.GetAsync();   // NOT_FOUND before the stream starts, for an item that does not exist
        using var watch = hub.Subscribe(VotingHub.FloorTopic(floor.GetPrimaryKeyString()));
        var ct = context.CancellationToken;
        try
        {
            while (true)
            {
                // One read and one message per change, shared by every watcher of the item on this node.
                await stream.WriteAsync(await watch.CurrentAsync(async () => new WatchFloorResponse { Floor = (await floor.GetAsync()).ToProto() }), ct);
                await watch.ChangedAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: the stream ends quietly.
        }
    }

    private IFloorGrain Floor(string agendaItemId) => grains.GetGrain<IFloorGrain>(AgendaUseCases.ItemId("agenda_item_id", agendaItemId));

    // Staff read every floor; a participant reads the floors of their own assembly.
    private IFloorGrain Readable(string agendaItemId, CallContext context, [System.Runtime.CompilerServices.CallerMemberName] string rpc = "")
    {
        context.Authenticated();
        var floor = Floor(agendaItemId);
        context.RequireOfAssembly(VotingIds.AssemblyOf(floor.GetPrimaryKeyString())!, rpc);
        return floor;
    }

    private static string RequestId(string? requestId)
    {
        var id = (requestId ?? "").Trim();
        return id.Length is > 1 and <= 10 && id[0] == 'r' && id[1..].All(char.IsAsciiDigit) ? id
            : throw DomainException.Invalid("request_id", $"request_id \"{TextRules.Shorten(id)}\" is not a request id such as \"r3\".");
    }
}
