using Orleans;

namespace WeGoAssembly.Contracts.Floor;

/// <summary>What a speaker asks the floor for; numbers equal the proto SpeechKind values.</summary>
[GenerateSerializer, Alias("wego.SpeechKind")]
public enum SpeechKind { Speak = 1, For = 2, Against = 3, PointOfOrder = 4 }

/// <summary>One request for the floor on an agenda item. Id is "r{n}", unique within the item.</summary>
[GenerateSerializer, Alias("wego.SpeakerRequest")]
public sealed record SpeakerRequest(string Id, string ParticipantId, string MemberCityId, string DisplayName, SpeechKind Kind, DateTimeOffset RequestedAt);

/// <summary>
/// Who has the floor: the time spoken before the timer last started, and since when it runs (null while paused),
/// so the time spoken is known at any instant without a tick being stored.
/// </summary>
[GenerateSerializer, Alias("wego.CurrentSpeaker")]
public sealed record CurrentSpeaker(SpeakerRequest Request, DateTimeOffset GivenAt, TimeSpan ElapsedBefore, DateTimeOffset? RunningSince)
{
    public TimeSpan ElapsedAt(DateTimeOffset now) => ElapsedBefore + (RunningSince is { } since && now > since ? now - since : TimeSpan.Zero);
}

/// <summary>A speech that ended, with its time (pauses excluded).</summary>
[GenerateSerializer, Alias("wego.Speech")]
public sealed record Speech(SpeakerRequest Request, DateTimeOffset GivenAt, DateTimeOffset EndedAt, TimeSpan Duration);

/// <summary>Speaking time of one speaker (ParticipantId set) or one delegation (ParticipantId empty) on an item.</summary>
[GenerateSerializer, Alias("wego.SpeakingTime")]
public sealed record SpeakingTime(string ParticipantId, string DisplayName, string MemberCityId, int Speeches, TimeSpan Total);

/// <summary>The floor of one agenda item as read at <paramref name="AsOf"/>.</summary>
[GenerateSerializer, Alias("wego.FloorView")]
public sealed record FloorView(
    string AgendaItemId,
    bool ListOpen,
    TimeSpan? SpeakingTimeLimit,
    IReadOnlyList<SpeakerRequest> Queue,
    CurrentSpeaker? Current,
    IReadOnlyList<Speech> Speeches,
    DateTimeOffset AsOf);
