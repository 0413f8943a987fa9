using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// The gRPC edge of <see cref="FloorUseCases"/>: the generated service base, one line per rpc. An rpc's [Authorize] roles refuse
/// a caller before the request is read; the use case checks the same roles for the web screens, and the scope (own
/// request, own assembly) for both.
/// </summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class FloorGrpcService(FloorUseCases useCases) : FloorService.FloorServiceBase
{
    [Authorize(Roles = "Participant,Secretariat")]
    public override Task<RequestFloorResponse> RequestFloor(RequestFloorRequest request, ServerCallContext context) =>
        useCases.RequestFloor(request, context.ToCallContext());

    [Authorize(Roles = "Participant,Secretariat")]
    public override Task<WithdrawFloorRequestResponse> WithdrawFloorRequest(WithdrawFloorRequestRequest request, ServerCallContext context) =>
        useCases.WithdrawFloorRequest(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<ReorderSpeakersResponse> ReorderSpeakers(ReorderSpeakersRequest request, ServerCallContext context) =>
        useCases.ReorderSpeakers(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<GiveFloorResponse> GiveFloor(GiveFloorRequest request, ServerCallContext context) =>
        useCases.GiveFloor(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<StartSpeakingTimerResponse> StartSpeakingTimer(StartSpeakingTimerRequest request, ServerCallContext context) =>
        useCases.StartSpeakingTimer(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<PauseSpeakingTimerResponse> PauseSpeakingTimer(PauseSpeakingTimerRequest request, ServerCallContext context) =>
        useCases.PauseSpeakingTimer(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<StopSpeakingTimerResponse> StopSpeakingTimer(StopSpeakingTimerRequest request, ServerCallContext context) =>
        useCases.StopSpeakingTimer(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<SetSpeakingTimeLimitResponse> SetSpeakingTimeLimit(SetSpeakingTimeLimitRequest request, ServerCallContext context) =>
        useCases.SetSpeakingTimeLimit(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<SetSpeakersListOpenResponse> SetSpeakersListOpen(SetSpeakersListOpenRequest request, ServerCallContext context) =>
        useCases.SetSpeakersListOpen(request, context.ToCallContext());

    public override Task<GetFloorResponse> GetFloor(GetFloorRequest request, ServerCallContext context) =>
        useCases.GetFloor(request, context.ToCallContext());

    public override Task WatchFloor(WatchFloorRequest request, IServerStreamWriter<WatchFloorResponse> stream, ServerCallContext context) =>
        useCases.WatchFloor(request, stream, context.ToCallContext());
}
