using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>
/// The gRPC edge of <see cref="MembershipUseCases"/>: the generated service base, one line per rpc. An rpc's [Authorize] roles refuse
/// a caller before the request is read; the use case checks the same roles for the web screens, and the scope (own
/// delegation, self) for both.
/// </summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class MembershipGrpcService(MembershipUseCases useCases) : MembershipService.MembershipServiceBase
{
    [Authorize(Roles = "Secretariat")]
    public override Task<UpsertMemberCityResponse> UpsertMemberCity(UpsertMemberCityRequest request, ServerCallContext context) =>
        useCases.UpsertMemberCity(request, context.ToCallContext());

    public override Task<GetMemberCityResponse> GetMemberCity(GetMemberCityRequest request, ServerCallContext context) =>
        useCases.GetMemberCity(request, context.ToCallContext());

    public override Task<ListMemberCitiesResponse> ListMemberCities(ListMemberCitiesRequest request, ServerCallContext context) =>
        useCases.ListMemberCities(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<RecordDuesPaymentResponse> RecordDuesPayment(RecordDuesPaymentRequest request, ServerCallContext context) =>
        useCases.RecordDuesPayment(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<ImportMemberCitiesResponse> ImportMemberCities(ImportMemberCitiesRequest request, ServerCallContext context) =>
        useCases.ImportMemberCities(request, context.ToCallContext());

    public override Task StreamMemberCities(StreamMemberCitiesRequest request, IServerStreamWriter<StreamMemberCitiesResponse> stream, ServerCallContext context) =>
        useCases.StreamMemberCities(request, stream, context.ToCallContext());
}
