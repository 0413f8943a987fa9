using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grpc;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Runtime;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Api;

/// <summary>gRPC edge of assemblies: creation, reading and the rules the secretariat sets (any signed-in user reads).</summary>
public sealed class AssemblyService(IGrainFactory grains, Authorization auth) : IGrpcService
{
    public static ServiceDescriptor Descriptor => AssemblyReflection.Descriptor.FindTypeByName<ServiceDescriptor>(nameof(AssemblyService));

    public void Bind(ServiceBinder binder) => binder
        .Unary<CreateAssemblyRequest, CreateAssemblyResponse>(nameof(CreateAssembly), CreateAssembly)
        .Unary<GetAssemblyRequest, GetAssemblyResponse>(nameof(GetAssembly), GetAssembly)
        .Unary<UpdateAssemblyRulesRequest, UpdateAssemblyRulesResponse>(nameof(UpdateAssemblyRules), UpdateAssemblyRules);

    private async Task<CreateAssemblyResponse> CreateAssembly(CreateAssemblyRequest request, ServerCallContext context)
    {
        var caller = auth.Require(context, Role.Secretariat);
        var assembly = request.Assembly ?? throw DomainException.Invalid("assembly", "assembly is required.");
        var id = RequestChecks.Id("assembly.id", assembly.Id);
        var created = await grains.GetGrain<IAssemblyGrain>(id).CreateAsync(assembly.ToDomain() with { Id = id }, caller.Actor);
        return new() { Assembly = created.ToProto() };
    }

    private async Task<GetAssemblyResponse> GetAssembly(GetAssemblyRequest request, ServerCallContext context)
    {
        auth.Authenticated(context);
        var id = RequestChecks.Id("assembly_id", request.AssemblyId);
        var assembly = await grains.GetGrain<IAssemblyGrain>(id).GetAsync()
            ?? throw DomainException.NotFound($"No assembly \"{id}\" exists.");
        return new() { Assembly = assembly.ToProto() };
    }

    private async Task<UpdateAssemblyRulesResponse> UpdateAssemblyRules(UpdateAssemblyRulesRequest request, ServerCallContext context)
    {
        var caller = auth.Require(context, Role.Secretariat);
        var id = RequestChecks.Id("assembly_id", request.AssemblyId);
        var assembly = await grains.GetGrain<IAssemblyGrain>(id).UpdateRulesAsync(request.Year, request.TimeZone, request.Rules.ToDomain(), caller.Actor);
        return new() { Assembly = assembly.ToProto() };
    }
}
