using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Floor;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class SpeakersListTests
{
    private static readonly DateTimeOffset T0 = new(2023, 10, 25, 9, 0, 0, TimeSpan.FromHours(9));

    // "r1:a:S" is request r1 of participant a (city of a's first letter) for kind S(peak), F(or), A(gainst) or P(oint of order).
    private static List<SpeakerRequest> Queue(params string[] entries) => entries.Select(Request).ToList();

    private static SpeakerRequest Request(string entry)
    {
        var parts = entry.Split(':');
        var kind = parts[2] switch { "F" => SpeechKind.For, "A" => SpeechKind.Against, "P" => SpeechKind.PointOfOrder, _ => SpeechKind.Speak };
        return new(parts[0], parts[1], "city-" + parts[1][0], parts[1].ToUpperInvariant(), kind, T0);
    }

    // queue, kind asked, where it goes
    public static TheoryData<string[], SpeechKind, int> Places => new()
    {
        { [], SpeechKind.Speak, 0 },
        { [], SpeechKind.PointOfOrder, 0 },
        { ["r1:a:S", "r2:b:A"], SpeechKind.For, 2 },
        { ["r1:a:S", "r2:b:A"], SpeechKind.PointOfOrder, 0 },
        { ["r1:a:P", "r2:b:S"], SpeechKind.PointOfOrder, 1 },
        { ["r1:a:P", "r2:b:P", "r3:c:S"], SpeechKind.PointOfOrder, 2 },
        // A point of order the chair moved behind a speaker is not jumped over by a later one: it joins the leading points only.
        { ["r1:a:S", "r2:b:P"], SpeechKind.PointOfOrder, 0 },
        { ["r1:a:P"], SpeechKind.Against, 1 },
    };

    [Theory]
    [MemberData(nameof(Places))]
    public void A_point_of_order_joins_after_the_points_of_order_at_the_head_and_anything_else_at_the_end(string[] queue, SpeechKind kind, int place) =>
        Assert.Equal(place, SpeakersList.PlaceOf(Queue(queue), kind));

    // queue, list open, who asks, kind, expected error kind (null: taken), words in the message
    public static TheoryData<string[], bool, string, SpeechKind, DomainErrorKind?, string> Requests => new()
    {
        { [], true, "a", SpeechKind.Speak, null, "" },
        { ["r1:a:S"], true, "a", SpeechKind.For, DomainErrorKind.AlreadyExists, "A is already on the speakers' list of item 5 (r1, to speak); withdraw that request first." },
        { ["r1:a:A"], true, "a", SpeechKind.PointOfOrder, null, "" },
        { ["r1:a:P"], true, "a", SpeechKind.PointOfOrder, DomainErrorKind.AlreadyExists, "(r1, a point of order)" },
        { ["r1:a:P"], true, "a", SpeechKind.Against, null, "" },
        { ["r1:b:S"], true, "a", SpeechKind.Speak, null, "" },
        { [], false, "a", SpeechKind.Speak, DomainErrorKind.StateConflict, "The speakers' list of item 5 is closed; only a point of order may be raised." },
        { [], false, "a", SpeechKind.Against, DomainErrorKind.StateConflict, "closed" },
        { [], false, "a", SpeechKind.PointOfOrder, null, "" },
        { [], true, "a", (SpeechKind)0, DomainErrorKind.Invalid, "kind must be to speak, for, against or a point of order." },
        { [], true, "a", (SpeechKind)9, DomainErrorKind.Invalid, "kind must be" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void A_request_is_refused_on_a_closed_list_unless_a_point_of_order_and_once_per_sort_per_person(
        string[] queue, bool open, string who, SpeechKind kind, DomainErrorKind? expected, string words)
    {
        var refusal = SpeakersList.Refusal(Queue(queue), open, who, who.ToUpperInvariant(), kind, "5");
        Assert.Equal(expected, refusal?.Kind);
        if (refusal is not null)
            Assert.Contains(words, refusal.Message);
    }

    [Theory]
    [InlineData(new[] { "r2", "r1", "r3" }, true)]
    [InlineData(new[] { "r1", "r2" }, false)]
    [InlineData(new[] { "r1", "r2", "r2" }, false)]
    [InlineData(new[] { "r1", "r2", "r3", "r4" }, false)]
    [InlineData(new[] { "r1", "r2", "r9" }, false)]
    public void A_new_order_names_every_waiting_request_once(string[] order, bool taken)
    {
        var queue = Queue("r1:a:S", "r2:b:S", "r3:c:P");
        if (taken)
            Assert.Equal(order, SpeakersList.Reordered(queue, order).Select(r => r.Id));
        else
            Assert.Equal("request_ids must list each of the 3 waiting requests exactly once (r1, r2, r3).",
                Assert.Throws<DomainException>(() => SpeakersList.Reordered(queue, order)).Message);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(0, null)]
    [InlineData(10, 10)]
    [InlineData(180, 180)]
    [InlineData(3600, 3600)]
    public void A_limit_is_none_or_whole_seconds_from_ten_to_an_hour(int? seconds, int? expected) =>
        Assert.Equal(expected is { } e ? TimeSpan.FromSeconds(e) : null, SpeakersList.Limit(seconds is { } s ? TimeSpan.FromSeconds(s) : null));

    [Theory]
    [InlineData(9_000)]
    [InlineData(3_601_000)]
    [InlineData(90_500)]
    [InlineData(-60_000)]
    public void A_limit_out_of_range_or_with_a_fraction_of_a_second_is_refused(int milliseconds) =>
        Assert.Equal(DomainErrorKind.Invalid, Assert.Throws<DomainException>(() => SpeakersList.Limit(TimeSpan.FromMilliseconds(milliseconds))).Kind);

    [Fact]
    public void Time_adds_up_per_speaker_and_per_delegation_in_the_order_they_first_spoke()
    {
        static Speech Spoke(string entry, int seconds) => new(Request(entry), T0, T0.AddSeconds(seconds), TimeSpan.FromSeconds(seconds));
        Speech[] speeches = [Spoke("r1:bo:F", 60), Spoke("r2:an:A", 30), Spoke("r3:bo:P", 15), Spoke("r4:be:S", 45)];

        Assert.Equal([("bo", 2, 75), ("an", 1, 30), ("be", 1, 45)],
            SpeakersList.BySpeaker(speeches).Select(t => (t.ParticipantId, t.Speeches, (int)t.Total.TotalSeconds)));
        Assert.Equal([("city-b", 3, 120), ("city-a", 1, 30)],
            SpeakersList.ByDelegation(speeches).Select(t => (t.MemberCityId, t.Speeches, (int)t.Total.TotalSeconds)));
        Assert.Empty(SpeakersList.BySpeaker([]));
    }

    [Fact]
    public void A_paused_timer_stands_still_and_a_running_one_counts_from_its_start()
    {
        var request = Request("r1:a:S");
        var paused = new CurrentSpeaker(request, T0, TimeSpan.FromSeconds(40), RunningSince: null);
        Assert.Equal(TimeSpan.FromSeconds(40), paused.ElapsedAt(T0.AddMinutes(5)));
        var running = paused with { RunningSince = T0.AddSeconds(100) };
        Assert.Equal(TimeSpan.FromSeconds(55), running.ElapsedAt(T0.AddSeconds(115)));
        Assert.Equal(TimeSpan.FromSeconds(40), running.ElapsedAt(T0.AddSeconds(90)));   // a clock read before the start adds nothing
    }
}
