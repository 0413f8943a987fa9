using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Auth;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using Orleans;
using WeGoAssembly.Grains.Assemblies;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Application;

/// <summary>gRPC edge of assemblies: creation, reading and the rules the secretariat sets (any signed-in user reads one; staff list them).</summary>
public sealed class AssemblyUseCases(IGrainFactory grains, AssemblyDirectory directory)
{
    public async Task<CreateAssemblyResponse> CreateAssembly(CreateAssemblyRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var assembly = request.Assembly ?? throw DomainException.Invalid("assembly", "assembly is required.");
        var id = RequestChecks.Id("assembly.id", assembly.Id);
        var created = await grains.GetGrain<IAssemblyGrain>(id).CreateAsync(assembly.ToDomain() with { Id = id }, caller.Actor);
        return new() { Assembly = created.ToProto() };
    }

    public async Task<GetAssemblyResponse> GetAssembly(GetAssemblyRequest request, CallContext context)
    {
        context.Authenticated();
        var id = RequestChecks.Id("assembly_id", request.AssemblyId);
        var assembly = await grains.GetGrain<IAssemblyGrain>(id).GetAsync()
            ?? throw DomainException.NotFound($"No assembly \"{id}\" exists.");
        return new() { Assembly = assembly.ToProto() };
    }

    public async Task<UpdateAssemblyRulesResponse> UpdateAssemblyRules(UpdateAssemblyRulesRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var id = RequestChecks.Id("assembly_id", request.AssemblyId);
        var update = new AssemblyUpdate(request.Year, request.TimeZone, request.Rules.ToDomain(), request.Details.ToDomain());
        var assembly = await grains.GetGrain<IAssemblyGrain>(id).UpdateAsync(update, caller.Actor);
        return new() { Assembly = assembly.ToProto() };
    }

    public async Task<ListAssembliesResponse> ListAssemblies(ListAssembliesRequest request, CallContext context)
    {
        context.Require(Role.Secretariat, Role.Logistics);
        var pageSize = RequestChecks.PageSize(request.PageSize);
        var after = RequestChecks.AfterKey(request.PageToken);
        var page = new List<Contracts.Assemblies.Assembly>(pageSize);
        string? next = null;
        await foreach (var assembly in directory.ListAsync(after, context.CancellationToken))
        {
            if (page.Count == pageSize)
            {
                next = RequestChecks.PageToken(page[^1].Id);
                break;
            }
            page.Add(assembly);
        }
        var response = new ListAssembliesResponse { NextPageToken = next ?? "" };
        response.Assemblies.AddRange(page.Select(a => a.ToProto()));
        return response;
    }
}
