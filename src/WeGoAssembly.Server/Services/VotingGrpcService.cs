using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// The gRPC edge of <see cref="VotingUseCases"/>: the generated service base, one line per rpc. An rpc's [Authorize] roles refuse
/// a caller before the request is read; the use case checks the same roles for the web screens, and the scope (own
/// delegation, self) for both.
/// </summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class VotingGrpcService(VotingUseCases useCases) : VotingService.VotingServiceBase
{
    [Authorize(Roles = "Secretariat")]
    public override Task<CreateBallotResponse> CreateBallot(CreateBallotRequest request, ServerCallContext context) =>
        useCases.CreateBallot(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<OpenBallotResponse> OpenBallot(OpenBallotRequest request, ServerCallContext context) =>
        useCases.OpenBallot(request, context.ToCallContext());

    [Authorize(Roles = "Participant")]
    public override Task<CastVoteResponse> CastVote(CastVoteRequest request, ServerCallContext context) =>
        useCases.CastVote(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<CloseBallotResponse> CloseBallot(CloseBallotRequest request, ServerCallContext context) =>
        useCases.CloseBallot(request, context.ToCallContext());

    public override Task<GetBallotResultResponse> GetBallotResult(GetBallotResultRequest request, ServerCallContext context) =>
        useCases.GetBallotResult(request, context.ToCallContext());

    public override Task<GetQuorumResponse> GetQuorum(GetQuorumRequest request, ServerCallContext context) =>
        useCases.GetQuorum(request, context.ToCallContext());

    public override Task WatchQuorum(WatchQuorumRequest request, IServerStreamWriter<WatchQuorumResponse> stream, ServerCallContext context) =>
        useCases.WatchQuorum(request, stream, context.ToCallContext());

    public override Task WatchBallot(WatchBallotRequest request, IServerStreamWriter<WatchBallotResponse> stream, ServerCallContext context) =>
        useCases.WatchBallot(request, stream, context.ToCallContext());

    public override Task<ListBallotsResponse> ListBallots(ListBallotsRequest request, ServerCallContext context) =>
        useCases.ListBallots(request, context.ToCallContext());
}
