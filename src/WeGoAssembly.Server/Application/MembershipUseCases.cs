using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Membership;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using Orleans;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Application;

/// <summary>gRPC edge of the member register: maps messages, checks ids, calls the member city grains (any signed-in user reads, the secretariat writes).</summary>
public sealed class MembershipUseCases(IGrainFactory grains, MemberRegister register, MemberCityImport import)
{
    public async Task<UpsertMemberCityResponse> UpsertMemberCity(UpsertMemberCityRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var entry = request.MemberCity ?? throw DomainException.Invalid("member_city", "member_city is required.");
        var id = RequestChecks.Id("member_city.id", entry.Id);
        var result = await grains.GetGrain<IMemberCityGrain>(id).UpsertAsync(entry.ToDomain() with { Id = id }, caller.Actor);
        return new() { MemberCity = result.MemberCity.ToProto(), Created = result.Created };
    }

    public async Task<GetMemberCityResponse> GetMemberCity(GetMemberCityRequest request, CallContext context)
    {
        context.Authenticated();
        var id = RequestChecks.Id("member_city_id", request.MemberCityId);
        var member = await grains.GetGrain<IMemberCityGrain>(id).GetAsync() ?? throw NotFound(id);
        return new() { MemberCity = member.ToProto() };
    }

    public async Task<ListMemberCitiesResponse> ListMemberCities(ListMemberCitiesRequest request, CallContext context)
    {
        context.Authenticated();
        var pageSize = RequestChecks.PageSize(request.PageSize);
        var filter = new MemberFilter(request.Category.ToFilter(), request.Status.ToFilter());
        var page = await register.ListAsync(filter, RequestChecks.AfterKey(request.PageToken), pageSize, context.CancellationToken);
        var response = new ListMemberCitiesResponse { NextPageToken = page.ContinueAfter is { } last ? RequestChecks.PageToken(last) : "" };
        response.MemberCities.AddRange(page.Members.Select(m => m.ToProto()));
        return response;
    }

    public async Task<RecordDuesPaymentResponse> RecordDuesPayment(RecordDuesPaymentRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var id = RequestChecks.Id("member_city_id", request.MemberCityId);
        var member = await grains.GetGrain<IMemberCityGrain>(id).RecordDuesPaymentAsync(request.PaidThroughYear, request.Note, caller.Actor);
        return new() { MemberCity = member.ToProto() };
    }

    public async Task<ImportMemberCitiesResponse> ImportMemberCities(ImportMemberCitiesRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var report = await import.ImportAsync(request.Csv.ToByteArray(), request.DryRun, caller.Actor, context.CancellationToken);
        var response = new ImportMemberCitiesResponse { RowsRead = report.RowsRead, RowsImported = report.RowsImported };
        response.Errors.AddRange(report.Errors.Select(e => new Protos.V1.ImportRowError { Line = e.Line, MemberCityId = e.MemberCityId, Reason = e.Reason }));
        return response;
    }

    public async Task StreamMemberCities(StreamMemberCitiesRequest request, IServerStreamWriter<StreamMemberCitiesResponse> stream, CallContext context)
    {
        context.Authenticated();
        var filter = new MemberFilter(request.Category.ToFilter(), request.Status.ToFilter());
        await foreach (var member in register.StreamAsync(filter, after: null, context.CancellationToken))
            await stream.WriteAsync(new() { MemberCity = member.ToProto() }, context.CancellationToken);
    }

    private static DomainException NotFound(string id) =>
        DomainException.NotFound($"No member city \"{id}\" is registered; check the id or list the register with ListMemberCities.");
}
