using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Floor;

namespace WeGoAssembly.Grains.Rules;

/// <summary>The rules of a speakers' list: who may join it and where, a new order, a time limit, the time each had.</summary>
public static class SpeakersList
{
    public static readonly TimeSpan ShortestLimit = TimeSpan.FromSeconds(10), LongestLimit = TimeSpan.FromHours(1);

    /// <summary>Where a new request joins: a point of order after the points of order already waiting, anything else at the end.</summary>
    public static int PlaceOf(IReadOnlyList<SpeakerRequest> queue, SpeechKind kind)
    {
        if (kind != SpeechKind.PointOfOrder)
            return queue.Count;
        var place = 0;
        while (place < queue.Count && queue[place].Kind == SpeechKind.PointOfOrder)
            place++;
        return place;
    }

    /// <summary>
    /// Why the participant may not join the queue now, or null. One request to speak (to speak, for or against) and
    /// one point of order each: a delegate waiting to speak may still raise a point of order.
    /// </summary>
    public static DomainException? Refusal(IReadOnlyList<SpeakerRequest> queue, bool listOpen, string participantId, string name, SpeechKind kind, string itemNumber)
    {
        if (!Enum.IsDefined(kind))
            return DomainException.Invalid("kind", "kind must be to speak, for, against or a point of order.");
        if (!listOpen && kind != SpeechKind.PointOfOrder)
            return new(DomainErrorKind.StateConflict, $"The speakers' list of item {itemNumber} is closed; only a point of order may be raised.");
        var pointOfOrder = kind == SpeechKind.PointOfOrder;
        return queue.FirstOrDefault(r => r.ParticipantId == participantId && (r.Kind == SpeechKind.PointOfOrder) == pointOfOrder) is { } waiting
            ? new(DomainErrorKind.AlreadyExists,
                $"{name} is already on the speakers' list of item {itemNumber} ({waiting.Id}, {Words(waiting.Kind)}); withdraw that request first.")
            : null;
    }

    /// <summary>The queue in the order of <paramref name="requestIds"/>, which must name every waiting request once.</summary>
    public static List<SpeakerRequest> Reordered(IReadOnlyList<SpeakerRequest> queue, IReadOnlyList<string> requestIds)
    {
        var byId = queue.ToDictionary(r => r.Id, StringComparer.Ordinal);
        if (requestIds.Count != queue.Count || requestIds.Distinct(StringComparer.Ordinal).Count() != requestIds.Count || !requestIds.All(byId.ContainsKey))
            throw DomainException.Invalid("request_ids",
                $"request_ids must list each of the {queue.Count} waiting requests exactly once ({string.Join(", ", queue.Select(r => r.Id))}).");
        return requestIds.Select(id => byId[id]).ToList();
    }

    /// <summary>A speaking-time limit as asked: zero is none; otherwise whole seconds from 10 s to an hour.</summary>
    public static TimeSpan? Limit(TimeSpan? asked)
    {
        if (asked is not { } limit || limit == TimeSpan.Zero)
            return null;
        if (limit < ShortestLimit || limit > LongestLimit || limit.Ticks % TimeSpan.TicksPerSecond != 0)
            throw DomainException.Invalid("limit", $"limit {limit.TotalSeconds:0.###} s must be whole seconds from 10 to 3600, or zero for no limit.");
        return limit;
    }

    /// <summary>Speaking time per speaker, in the order they first spoke.</summary>
    public static IReadOnlyList<SpeakingTime> BySpeaker(IEnumerable<Speech> speeches) =>
        speeches.GroupBy(s => s.Request.ParticipantId, StringComparer.Ordinal)
            .Select(g => new SpeakingTime(g.Key, g.Last().Request.DisplayName, g.First().Request.MemberCityId, g.Count(), Total(g)))
            .ToArray();

    /// <summary>Speaking time per delegation, in the order the delegation first spoke.</summary>
    public static IReadOnlyList<SpeakingTime> ByDelegation(IEnumerable<Speech> speeches) =>
        speeches.GroupBy(s => s.Request.MemberCityId, StringComparer.Ordinal)
            .Select(g => new SpeakingTime("", "", g.Key, g.Count(), Total(g)))
            .ToArray();

    /// <summary>What a request asks for, in words for a message.</summary>
    public static string Words(SpeechKind kind) => kind switch
    {
        SpeechKind.For => "for the motion",
        SpeechKind.Against => "against the motion",
        SpeechKind.PointOfOrder => "a point of order",
        _ => "to speak",
    };

    private static TimeSpan Total(IEnumerable<Speech> speeches) => speeches.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);
}
