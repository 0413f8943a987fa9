using WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Web;

/// <summary>The words and clock of the floor screens, in the page's language.</summary>
public static class FloorText
{
    public static string Kind(SpeechKind kind) => kind switch
    {
        SpeechKind.For => Lang.T("for", "찬성 발언"),
        SpeechKind.Against => Lang.T("against", "반대 발언"),
        SpeechKind.PointOfOrder => Lang.T("point of order", "의사진행 발언"),
        _ => Lang.T("to speak", "발언"),
    };

    public static string Clock(TimeSpan time) => Application.FloorMapping.Clock(time);

    /// <summary>The current speaker's time now: what the floor said, plus the time since it was read while the timer runs.</summary>
    public static TimeSpan Elapsed(Floor floor, DateTimeOffset now) =>
        floor.Current is not { } current ? TimeSpan.Zero
        : current.Elapsed.ToTimeSpan() + (current.Running && now > floor.AsOf.ToDateTimeOffset() ? now - floor.AsOf.ToDateTimeOffset() : TimeSpan.Zero);

    /// <summary>The item a floor screen opens: the one before the assembly now.</summary>
    public static AgendaItem? CurrentItem(IEnumerable<AgendaItem> agenda) => Application.DisplayUseCases.ItemBeforeTheAssembly(agenda);

    public static string Item(AgendaItem item) => $"{item.Number}. {(Lang.Korean && item.TitleKo.Length > 0 ? item.TitleKo : item.TitleEn)}";
}
