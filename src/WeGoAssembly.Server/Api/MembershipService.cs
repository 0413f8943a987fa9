using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Membership;
using WeGoAssembly.Grpc;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Runtime;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Api;

/// <summary>gRPC edge of the member register: maps messages, checks ids, calls the member city grains (any signed-in user reads, the secretariat writes).</summary>
public sealed class MembershipService(IGrainFactory grains, MemberRegister register, MemberCityImport import, Authorization auth) : IGrpcService
{
    public static ServiceDescriptor Descriptor => MembershipReflection.Descriptor.FindTypeByName<ServiceDescriptor>(nameof(MembershipService));

    public void Bind(ServiceBinder binder) => binder
        .Unary<UpsertMemberCityRequest, UpsertMemberCityResponse>(nameof(UpsertMemberCity), UpsertMemberCity)
        .Unary<GetMemberCityRequest, GetMemberCityResponse>(nameof(GetMemberCity), GetMemberCity)
        .Unary<ListMemberCitiesRequest, ListMemberCitiesResponse>(nameof(ListMemberCities), ListMemberCities)
        .Unary<RecordDuesPaymentRequest, RecordDuesPaymentResponse>(nameof(RecordDuesPayment), RecordDuesPayment)
        .Unary<ImportMemberCitiesRequest, ImportMemberCitiesResponse>(nameof(ImportMemberCities), ImportMemberCities)
        .ServerStreaming<StreamMemberCitiesRequest, StreamMemberCitiesResponse>(nameof(StreamMemberCities), StreamMemberCities);

    private async Task<UpsertMemberCityResponse> UpsertMemberCity(UpsertMemberCityRequest request, ServerCallContext context)
    {
        var caller = auth.Require(context, Role.Secretariat);
        var entry = request.MemberCity ?? throw DomainException.Invalid("member_city", "member_city is required.");
        var id = RequestChecks.Id("member_city.id", entry.Id);
        var result = await grains.GetGrain<IMemberCityGrain>(id).UpsertAsync(entry.ToDomain() with { Id = id }, caller.Actor);
        return new() { MemberCity = result.MemberCity.ToProto(), Created = result.Created };
    }

    private async Task<GetMemberCityResponse> GetMemberCity(GetMemberCityRequest request, ServerCallContext context)
    {
        auth.Authenticated(context);
        var id = RequestChecks.Id("member_city_id", request.MemberCityId);
        var member = await grains.GetGrain<IMemberCityGrain>(id).GetAsync() ?? throw NotFound(id);
        return new() { MemberCity = member.ToProto() };
    }

    private async Task<ListMemberCitiesResponse> ListMemberCities(ListMemberCitiesRequest request, ServerCallContext context)
    {
        auth.Authenticated(context);
        var pageSize = RequestChecks.PageSize(request.PageSize);
        var filter = new MemberFilter(request.Category.ToFilter(), request.Status.ToFilter());
        var page = await register.ListAsync(filter, RequestChecks.AfterKey(request.PageToken), pageSize, context.CancellationToken);
        var response = new ListMemberCitiesResponse { NextPageToken = page.ContinueAfter is { } last ? RequestChecks.PageToken(last) : "" };
        response.MemberCities.AddRange(page.Members.Select(m => m.ToProto()));
        return response;
    }

    private async Task<RecordDuesPaymentResponse> RecordDuesPayment(RecordDuesPaymentRequest request, ServerCallContext context)
    {
        var caller = auth.Require(context, Role.Secretariat);
        var id = RequestChecks.Id("member_city_id", request.MemberCityId);
        var member = await grains.GetGrain<IMemberCityGrain>(id).RecordDuesPaymentAsync(request.PaidThroughYear, request.Note, caller.Actor);
        return new() { MemberCity = member.ToProto() };
    }

    private async Task<ImportMemberCitiesResponse> ImportMemberCities(ImportMemberCitiesRequest request, ServerCallContext context)
    {
        var caller = auth.Require(context, Role.Secretariat);
        var report = await import.ImportAsync(request.Csv.ToByteArray(), request.DryRun, caller.Actor, context.CancellationToken);
        var response = new ImportMemberCitiesResponse { RowsRead = report.RowsRead, RowsImported = report.RowsImported };
        response.Errors.AddRange(report.Errors.Select(e => new Protos.V1.ImportRowError { Line = e.Line, MemberCityId = e.MemberCityId, Reason = e.Reason }));
        return response;
    }

    private async Task StreamMemberCities(StreamMemberCitiesRequest request, IServerStreamWriter<StreamMemberCitiesResponse> stream, ServerCallContext context)
    {
        auth.Authenticated(context);
        var filter = new MemberFilter(request.Category.ToFilter(), request.Status.ToFilter());
        await foreach (var member in register.StreamAsync(filter, after: null, context.CancellationToken))
            await stream.WriteAsync(new() { MemberCity = member.ToProto() }, context.CancellationToken);
    }

    private static DomainException NotFound(string id) =>
        DomainException.NotFound($"No member city \"{id}\" is registered; check the id or list the register with ListMemberCities.");
}
