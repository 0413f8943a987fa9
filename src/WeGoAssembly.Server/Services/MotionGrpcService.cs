using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// The gRPC edge of <see cref="MotionUseCases"/>: the generated service base, one line per rpc. An rpc's [Authorize] roles refuse
/// a caller before the request is read; the use case checks the same roles for the web screens, and the scope (own
/// delegation, own assembly) for both.
/// </summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class MotionGrpcService(MotionUseCases useCases) : MotionService.MotionServiceBase
{
    [Authorize(Roles = "Secretariat")]
    public override Task<SetMotionTextResponse> SetMotionText(SetMotionTextRequest request, Grpc.Core.ServerCallContext context) =>
        useCases.SetMotionText(request, context.ToCallContext());

    public override Task<GetMotionResponse> GetMotion(GetMotionRequest request, Grpc.Core.ServerCallContext context) =>
        useCases.GetMotion(request, context.ToCallContext());

    [Authorize(Roles = "Participant,Secretariat")]
    public override Task<SubmitAmendmentResponse> SubmitAmendment(SubmitAmendmentRequest request, Grpc.Core.ServerCallContext context) =>
        useCases.SubmitAmendment(request, context.ToCallContext());

    [Authorize(Roles = "Participant,Secretariat")]
    public override Task<WithdrawAmendmentResponse> WithdrawAmendment(WithdrawAmendmentRequest request, Grpc.Core.ServerCallContext context) =>
        useCases.WithdrawAmendment(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<DecideAmendmentResponse> DecideAmendment(DecideAmendmentRequest request, Grpc.Core.ServerCallContext context) =>
        useCases.DecideAmendment(request, context.ToCallContext());

    public override Task WatchMotion(WatchMotionRequest request, Grpc.Core.IServerStreamWriter<WatchMotionResponse> stream, Grpc.Core.ServerCallContext context) =>
        useCases.WatchMotion(request, stream, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<OrderAmendmentsResponse> OrderAmendments(OrderAmendmentsRequest request, Grpc.Core.ServerCallContext context) =>
        useCases.OrderAmendments(request, context.ToCallContext());
}
