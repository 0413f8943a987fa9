using Grpc.Core;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Floor;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Auth;
using AmendmentKind = WeGoAssembly.Contracts.Floor.AmendmentKind;

namespace WeGoAssembly.Server.Application;

/// <summary>
/// Motions and their amendments: the secretariat tables the text and chairs; a delegation (any of its participants)
/// submits and withdraws its own amendments; staff and the assembly's participants read.
/// </summary>
public sealed class MotionUseCases(IGrainFactory grains, Grains.Voting.VotingHub hub)
{
    public async Task<SetMotionTextResponse> SetMotionText(SetMotionTextRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        return new() { Motion = (await Motion(request.AgendaItemId).SetTextAsync(request.Paragraphs.ToArray(), caller.Actor)).ToProto() };
    }

    public async Task<GetMotionResponse> GetMotion(GetMotionRequest request, CallContext context)
    {
        context.Authenticated();
        var motion = Motion(request.AgendaItemId);
        context.RequireOfAssembly(VotingIds.AssemblyOf(motion.GetPrimaryKeyString())!);
        return new() { Motion = (await motion.GetAsync()).ToProto() };
    }

    public async Task<SubmitAmendmentResponse> SubmitAmendment(SubmitAmendmentRequest request, CallContext context)
    {
        context.Require(Role.Participant, Role.Secretariat);
        var motion = Motion(request.AgendaItemId);
        var assemblyId = VotingIds.AssemblyOf(motion.GetPrimaryKeyString())!;
        var city = RequestChecks.Id("member_city_id", request.MemberCityId);
        var caller = context.RequireDelegation(assemblyId, city);
        var (after, amendment) = await motion.SubmitAsync(city,
            new AmendmentDraft((AmendmentKind)request.Kind, request.ParagraphId ?? "", request.Text ?? "", request.Reason ?? ""), caller.Actor);
        return new() { Motion = after.ToProto(), Amendment = after.Amendments.Single(a => a.Id == amendment.Id).ToProto(after) };
    }

    public async Task<WithdrawAmendmentResponse> WithdrawAmendment(WithdrawAmendmentRequest request, CallContext context)
    {
        var caller = context.Require(Role.Participant, Role.Secretariat);
        var onlyOf = caller.Roles.Contains(Role.Secretariat) ? null
            : caller.Participant?.MemberCityId ?? throw new RpcException(new Status(StatusCode.PermissionDenied, "Only a participant signed in with their access code withdraws their delegation's amendment."));
        return new() { Motion = (await Motion(request.AgendaItemId).WithdrawAsync(AmendmentId(request.AmendmentId), onlyOf, caller.Actor)).ToProto() };
    }

    public async Task<DecideAmendmentResponse> DecideAmendment(DecideAmendmentRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        return new() { Motion = (await Motion(request.AgendaItemId).DecideAsync(AmendmentId(request.AmendmentId), request.Admit, request.Reason ?? "", caller.Actor)).ToProto() };
    }

    public async Task<OrderAmendmentsResponse> OrderAmendments(OrderAmendmentsRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        return new() { Motion = (await Motion(request.AgendaItemId).OrderAsync(request.AmendmentIds.Select(id => id.Trim()).ToArray(), caller.Actor)).ToProto() };
    }

    public async Task WatchMotion(WatchMotionRequest request, IServerStreamWriter<WatchMotionResponse> stream, CallContext context)
    {
        context.Authenticated();
        var motion = Motion(request.AgendaItemId);
        context.RequireOfAssembly(VotingIds.AssemblyOf(motion.GetPrimaryKeyString())!);
        await motion.GetAsync();   // NOT_FOUND before the stream starts, for an item that does not exist
        using var watch = hub.Subscribe(Grains.Voting.VotingHub.MotionTopic(motion.GetPrimaryKeyString()));
        var ct = context.CancellationToken;
        try
        {
            while (true)
            {
                await stream.WriteAsync(await watch.CurrentAsync(async () => new WatchMotionResponse { Motion = (await motion.GetAsync()).ToProto() }), ct);
                await watch.ChangedAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: the stream ends quietly.
        }
    }

    private IMotionGrain Motion(string agendaItemId) => grains.GetGrain<IMotionGrain>(AgendaUseCases.ItemId("agenda_item_id", agendaItemId));

    /// <summary>An amendment id such as "a2"; INVALID_ARGUMENT otherwise.</summary>
    public static string AmendmentId(string? amendmentId, string field = "amendment_id")
    {
        var id = (amendmentId ?? "").Trim();
        return id.Length is > 1 and <= 10 && id[0] == 'a' && id[1..].All(char.IsAsciiDigit) ? id
            : throw DomainException.Invalid(field, $"{field} \"{TextRules.Shorten(id)}\" is not an amendment id such as \"a2\".");
    }
}
