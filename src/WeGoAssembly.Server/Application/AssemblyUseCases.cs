using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Auth;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using Orleans;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Application;

/// <summary>gRPC edge of assemblies: creation, reading and the rules the secretariat sets (any signed-in user reads).</summary>
public sealed class AssemblyUseCases(IGrainFactory grains)
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
        var assembly = await grains.GetGrain<IAssemblyGrain>(id).UpdateRulesAsync(request.Year, request.TimeZone, request.Rules.ToDomain(), caller.Actor);
        return new() { Assembly = assembly.ToProto() };
    }
}
