using Grpc.Core;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Floor;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Floor;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Grains.Voting;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Auth;
using V1 = WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Application;

/// <summary>
/// The hall's screens: display links (the secretariat's), and the one view a screen follows with a link's token — the
/// item before the assembly, its speakers' list, the quorum and the ballot — rebuilt on a change of any of them.
/// </summary>
public sealed class DisplayUseCases(IGrainFactory grains, VotingHub hub)
{
    public const string PathPrefix = "/display/";

    public async Task<CreateDisplayLinkResponse> CreateDisplayLink(CreateDisplayLinkRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var (link, token) = await Links(request.AssemblyId).CreateAsync(request.Label, caller.Actor);
        return new() { DisplayLink = link.ToProto(), Token = token, Path = PathPrefix + token };
    }

    public async Task<ListDisplayLinksResponse> ListDisplayLinks(ListDisplayLinksRequest request, CallContext context)
    {
        context.Require(Role.Secretariat);
        var response = new ListDisplayLinksResponse();
        response.DisplayLinks.AddRange((await Links(request.AssemblyId).ListAsync())
            .Where(l => request.IncludeRevoked || l.RevokedAt is null).Select(l => l.ToProto()));
        return response;
    }

    public async Task<RevokeDisplayLinkResponse> RevokeDisplayLink(RevokeDisplayLinkRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var linkId = (request.DisplayLinkId ?? "").Trim();
        return new() { DisplayLink = (await Links(request.AssemblyId).RevokeAsync(linkId, caller.Actor)).ToProto() };
    }

    /// <summary>
    /// The screen's view, at once and after every change: the token is checked at the start and after each change (a
    /// revoked link ends the stream with UNAUTHENTICATED). At most one message per <see cref="Pace"/>, the latest.
    /// </summary>
    public async Task WatchDisplay(WatchDisplayRequest request, IServerStreamWriter<WatchDisplayResponse> stream, CallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var (assemblyId, secret) = DisplayTokens.Parse(request.Token) ?? throw Refused();
        var links = grains.GetGrain<IDisplayLinksGrain>(assemblyId);
        // Checked before anything is watched: a made-up token leaves nothing behind.
        if (await links.OpenAsync(secret) is null)
            throw Refused();
        var closedBallots = new Dictionary<string, BallotView>(StringComparer.Ordinal);
        using var displays = hub.Subscribe(VotingHub.DisplaysTopic(assemblyId));
        using var agenda = hub.Subscribe(VotingHub.AgendaTopic(assemblyId));
        using var quorum = hub.Subscribe(VotingHub.QuorumTopic(assemblyId));
        (string Topic, Watch Watch)? floor = null, ballot = null;
        try
        {
            while (true)
            {
                foreach (var watch in new[] { displays, agenda, quorum, floor?.Watch, ballot?.Watch })
                    watch?.Seen();
                if (await links.OpenAsync(secret) is null)
                    throw Refused();
                var display = await ReadAsync(assemblyId, closedBallots);
                floor = Follow(floor, display.AgendaItem is { } item ? VotingHub.FloorTopic(item.Id) : null);
                ballot = Follow(ballot, display.Ballot is { } b && b.Status != V1.BallotStatus.Closed ? VotingHub.BallotTopic(b.Id) : null);
                await stream.WriteAsync(new WatchDisplayResponse { Display = display }, cancellationToken);
                var sent = DateTimeOffset.UtcNow;

                // Whichever changes first; the waits on the others are let go, so nothing piles up on a quiet topic.
                using var anyChange = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await Task.WhenAny(new[] { displays, agenda, quorum, floor?.Watch, ballot?.Watch }.OfType<Watch>().Select(w => w.ChangedAsync(anyChange.Token)));
                await anyChange.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
                var wait = Pace - (DateTimeOffset.UtcNow - sent);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The screen went away: the stream ends quietly.
        }
        finally
        {
            floor?.Watch.Dispose();
            ballot?.Watch.Dispose();
        }
    }

    /// <summary>The most often a screen is sent a new view: a vote surge changes the count with every group commit.</summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(200);

    /// <summary>The item before the assembly: the one being voted on, else the first under discussion, else the next pending one.</summary>
    public static V1.AgendaItem? ItemBeforeTheAssembly(IEnumerable<V1.AgendaItem> agenda)
    {
        var items = agenda.OrderBy(i => i.Order).ToList();
        return items.FirstOrDefault(i => i.Status == V1.AgendaItemStatus.Voting)
            ?? items.FirstOrDefault(i => i.Status == V1.AgendaItemStatus.UnderDiscussion)
            ?? items.FirstOrDefault(i => i.Status == V1.AgendaItemStatus.Pending);
    }

    /// <param name="closedBallots">The views of closed ballots read before (a closed ballot never changes; its per-member records are not kept).</param>
    private async Task<Display> ReadAsync(string assemblyId, Dictionary<string, BallotView> closedBallots)
    {
        var assembly = await grains.GetGrain<IAssemblyGrain>(assemblyId).GetAsync()
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No assembly \"{assemblyId}\" exists."));
        var agenda = grains.GetGrain<IAgendaGrain>(assemblyId);
        var display = new Display
        {
            AssemblyTitle = assembly.Title, TimeZone = assembly.TimeZone,
            Quorum = (await grains.GetGrain<IAssemblyGrain>(assemblyId).GetQuorumAsync()).ToProto(),
        };
        if (ItemBeforeTheAssembly((await agenda.ListAsync()).Select(i => i.ToProto())) is not { } item)
            return display;
        display.AgendaItem = item;
        display.Floor = NamesOnly((await grains.GetGrain<IFloorGrain>(item.Id).GetAsync()).ToProto());
        // The ballot open on the item, else the last one closed on it (its result stays up until the next opens).
        var ids = await agenda.ListBallotsAsync();
        var ballots = await Task.WhenAll(ids.Select(id =>
            closedBallots.TryGetValue(id, out var known) ? Task.FromResult(known) : grains.GetGrain<IBallotGrain>(id).GetAsync()));
        // Kept after the reads, not from inside them: the reads run concurrently and a Dictionary takes one writer.
        for (var i = 0; i < ids.Count; i++)
            if (ballots[i].Result is { } closed && !closedBallots.ContainsKey(ids[i]))
                closedBallots[ids[i]] = ballots[i] = ballots[i] with { Result = closed with { Members = [] } };
        var shown = ballots.Where(v => v.Ballot.AgendaItemId == item.Id).LastOrDefault(v => v.Ballot.Status == Contracts.Voting.BallotStatus.Open)
            ?? ballots.Where(v => v.Ballot.AgendaItemId == item.Id && v.Ballot.Status == Contracts.Voting.BallotStatus.Closed).MaxBy(v => v.Ballot.ClosedAt);
        if (shown is not null)
        {
            display.Ballot = shown.Ballot.ToProto();
            display.Tally = shown.Tally.ToProto();
            display.Result = shown.Result?.ToProto();
        }
        foreach (var city in display.Floor.Queue.Select(r => r.MemberCityId).Append(display.Floor.Current?.Request.MemberCityId).OfType<string>().Distinct())
            display.CityNames[city] = await grains.GetGrain<IMemberCityGrain>(city).GetAsync() is { } known ? CityNames.Of(known.ToProto()) : city;
        return display;
    }

    // What a screen in the hall may show of the floor: the names waiting and speaking, nothing that identifies them further.
    private static V1.Floor NamesOnly(V1.Floor floor)
    {
        foreach (var request in floor.Queue.Append(floor.Current?.Request).OfType<V1.SpeakerRequest>())
            request.ParticipantId = "";
        floor.Speeches.Clear();
        floor.BySpeaker.Clear();
        floor.ByDelegation.Clear();
        return floor;
    }

    // Keeps watching a topic while it stays the same, else swaps the watch.
    private (string Topic, Watch Watch)? Follow((string Topic, Watch Watch)? current, string? topic)
    {
        if (current?.Topic == topic)
            return current;
        current?.Watch.Dispose();
        return topic is null ? null : (topic, hub.Subscribe(topic));
    }

    private IDisplayLinksGrain Links(string assemblyId) => grains.GetGrain<IDisplayLinksGrain>(RequestChecks.Id("assembly_id", assemblyId));

    private static RpcException Refused() =>
        new(new Status(StatusCode.Unauthenticated, "This display link is not valid: it was revoked, or mistyped. Ask the secretariat for the screen's link."));
}
