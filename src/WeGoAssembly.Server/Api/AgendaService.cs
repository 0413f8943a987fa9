using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grpc;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Runtime;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Api;

/// <summary>gRPC edge of the agenda: the secretariat writes, anyone signed in reads.</summary>
public sealed class AgendaService(IGrainFactory grains, Authorization auth) : IGrpcService
{
    public static ServiceDescriptor Descriptor => AgendaReflection.Descriptor.FindTypeByName<ServiceDescriptor>(nameof(AgendaService));

    public void Bind(ServiceBinder binder) => binder
        .Unary<CreateAgendaItemRequest, CreateAgendaItemResponse>(nameof(CreateAgendaItem), CreateAgendaItem)
        .Unary<UpdateAgendaItemRequest, UpdateAgendaItemResponse>(nameof(UpdateAgendaItem), UpdateAgendaItem)
        .Unary<ReorderAgendaRequest, ReorderAgendaResponse>(nameof(ReorderAgenda), ReorderAgenda)
        .Unary<ListAgendaRequest, ListAgendaResponse>(nameof(ListAgenda), ListAgenda);

    private async Task<CreateAgendaItemResponse> CreateAgendaItem(CreateAgendaItemRequest request, ServerCallContext context)
    {
        var caller = auth.Require(context, Role.Secretariat);
        var item = request.AgendaItem ?? throw DomainException.Invalid("agenda_item", "agenda_item is required.");
        var assemblyId = RequestChecks.Id("agenda_item.assembly_id", item.AssemblyId);
        var created = await grains.GetGrain<IAgendaGrain>(assemblyId).CreateItemAsync(item.ToDraft() with { Status = null }, caller.Actor);
        return new() { AgendaItem = created.ToProto() };
    }

    private async Task<UpdateAgendaItemResponse> UpdateAgendaItem(UpdateAgendaItemRequest request, ServerCallContext context)
    {
        var caller = auth.Require(context, Role.Secretariat);
        var item = request.AgendaItem ?? throw DomainException.Invalid("agenda_item", "agenda_item is required.");
        var assemblyId = AssemblyOf("agenda_item.id", item.Id);
        var updated = await grains.GetGrain<IAgendaGrain>(assemblyId).UpdateItemAsync(item.Id.Trim(), item.ToDraft(), caller.Actor);
        return new() { AgendaItem = updated.ToProto() };
    }

    private async Task<ReorderAgendaResponse> ReorderAgenda(ReorderAgendaRequest request, ServerCallContext context)
    {
        var caller = auth.Require(context, Role.Secretariat);
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        var items = await grains.GetGrain<IAgendaGrain>(assemblyId).ReorderAsync(request.AgendaItemIds.Select(i => i.Trim()).ToArray(), caller.Actor);
        var response = new ReorderAgendaResponse();
        response.AgendaItems.AddRange(items.Select(i => i.ToProto()));
        return response;
    }

    private async Task<ListAgendaResponse> ListAgenda(ListAgendaRequest request, ServerCallContext context)
    {
        auth.Authenticated(context);
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        var response = new ListAgendaResponse();
        response.AgendaItems.AddRange((await grains.GetGrain<IAgendaGrain>(assemblyId).ListAsync()).Select(i => i.ToProto()));
        return response;
    }

    /// <summary>The assembly of an item or ballot id ("{assemblyId}.item-{n}", "{assemblyId}.ballot-{n}"), checked as a grain key.</summary>
    public static string AssemblyOf(string field, string id) =>
        VotingIds.AssemblyOf((id ?? "").Trim()) is { } assemblyId ? RequestChecks.Id(field, assemblyId)
        : throw DomainException.Invalid(field, $"{field} \"{Grains.Rules.TextRules.Shorten(id ?? "")}\" is not an id such as \"ga-2023.item-3\" or \"ga-2023.ballot-1\".");
}
