using Orleans;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Contracts.Voting;

namespace WeGoAssembly.Contracts.Floor;

/// <summary>
/// The floor of one agenda item, keyed by the item id "{assemblyId}.item-{n}": the speakers' list, the current
/// speaker and their timer, and the speeches made. Every method answers with the floor after the change.
/// </summary>
[Alias("wego.IFloorGrain")]
public interface IFloorGrain : IAuditedGrain, IWatchable
{
    /// <summary>Queues a request of the participant (accredited, of the item's assembly); a point of order goes ahead of the other requests.</summary>
    Task<(FloorView Floor, SpeakerRequest Request)> RequestAsync(string participantId, SpeechKind kind, string actor);

    /// <summary>Takes a request off the queue; with <paramref name="onlyOf"/>, only that participant's own request.</summary>
    Task<FloorView> WithdrawAsync(string requestId, string? onlyOf, string actor);

    Task<FloorView> ReorderAsync(IReadOnlyList<string> requestIds, string actor);

    /// <summary>Gives the floor to the request (the head of the queue when null) and starts the timer; a speech under way ends.</summary>
    Task<FloorView> GiveFloorAsync(string? requestId, string actor);

    Task<FloorView> StartTimerAsync(string actor);

    Task<FloorView> PauseTimerAsync(string actor);

    /// <summary>Ends the current speech and records it.</summary>
    Task<(FloorView Floor, Speech Speech)> StopTimerAsync(string actor);

    /// <summary>Sets the speaking-time limit; null clears it.</summary>
    Task<FloorView> SetTimeLimitAsync(TimeSpan? limit, string actor);

    Task<FloorView> SetListOpenAsync(bool open, string actor);

    /// <summary>The floor now; NOT_FOUND when the agenda item does not exist.</summary>
    Task<FloorView> GetAsync();
}
