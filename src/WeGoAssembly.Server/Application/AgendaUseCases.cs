using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Voting;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using Orleans;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Application;

/// <summary>gRPC edge of the agenda: the secretariat writes, anyone signed in reads.</summary>
public sealed class AgendaUseCases(IGrainFactory grains)
{
    public async Task<CreateAgendaItemResponse> CreateAgendaItem(CreateAgendaItemRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var item = request.AgendaItem ?? throw DomainException.Invalid("agenda_item", "agenda_item is required.");
        var assemblyId = RequestChecks.Id("agenda_item.assembly_id", item.AssemblyId);
        var created = await grains.GetGrain<IAgendaGrain>(assemblyId).CreateItemAsync(item.ToDraft() with { Status = null }, caller.Actor);
        return new() { AgendaItem = created.ToProto() };
    }

    public async Task<UpdateAgendaItemResponse> UpdateAgendaItem(UpdateAgendaItemRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var item = request.AgendaItem ?? throw DomainException.Invalid("agenda_item", "agenda_item is required.");
        var assemblyId = AssemblyOf("agenda_item.id", item.Id);
        var updated = await grains.GetGrain<IAgendaGrain>(assemblyId).UpdateItemAsync(item.Id.Trim(), item.ToDraft(), caller.Actor);
        // A speech under way when its item is closed ends there and is recorded (here, not in the agenda grain, which the floor calls).
        if (updated.Status == Contracts.Voting.AgendaItemStatus.Closed && grains.GetGrain<Contracts.Floor.IFloorGrain>(updated.Id) is var floor
            && (await floor.GetAsync()).Current is not null)
            await floor.StopTimerAsync(caller.Actor);
        return new() { AgendaItem = updated.ToProto() };
    }

    public async Task<ReorderAgendaResponse> ReorderAgenda(ReorderAgendaRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        var items = await grains.GetGrain<IAgendaGrain>(assemblyId).ReorderAsync(request.AgendaItemIds.Select(i => i.Trim()).ToArray(), caller.Actor);
        var response = new ReorderAgendaResponse();
        response.AgendaItems.AddRange(items.Select(i => i.ToProto()));
        return response;
    }

    public async Task<ListAgendaResponse> ListAgenda(ListAgendaRequest request, CallContext context)
    {
        context.Authenticated();
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        var response = new ListAgendaResponse();
        response.AgendaItems.AddRange((await grains.GetGrain<IAgendaGrain>(assemblyId).ListAsync()).Select(i => i.ToProto()));
        return response;
    }

    /// <summary>An agenda item id ("{assemblyId}.item-{n}"), trimmed; INVALID_ARGUMENT for anything else (a ballot id too).</summary>
    public static string ItemId(string field, string? id)
    {
        var trimmed = (id ?? "").Trim();
        AssemblyOf(field, trimmed);
        return trimmed.Contains(".item-", StringComparison.Ordinal) ? trimmed
            : throw DomainException.Invalid(field, $"{field} \"{Grains.Rules.TextRules.Shorten(trimmed)}\" is not an agenda item id such as \"ga-2023.item-3\".");
    }

    /// <summary>The assembly of an item or ballot id ("{assemblyId}.item-{n}", "{assemblyId}.ballot-{n}"), checked as a grain key.</summary>
    public static string AssemblyOf(string field, string id) =>
        VotingIds.AssemblyOf((id ?? "").Trim()) is { } assemblyId ? RequestChecks.Id(field, assemblyId)
        : throw DomainException.Invalid(field, $"{field} \"{Grains.Rules.TextRules.Shorten(id ?? "")}\" is not an id such as \"ga-2023.item-3\" or \"ga-2023.ballot-1\".");
}
