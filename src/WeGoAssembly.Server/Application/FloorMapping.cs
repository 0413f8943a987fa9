using Google.Protobuf.WellKnownTypes;
using WeGoAssembly.Grains.Rules;
using Domain = WeGoAssembly.Contracts.Floor;
using V1 = WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Application;

/// <summary>Proto messages ↔ domain records of the floor.</summary>
public static class FloorMapping
{
    public static V1.Floor ToProto(this Domain.FloorView f)
    {
        var message = new V1.Floor
        {
            AgendaItemId = f.AgendaItemId,
            ListOpen = f.ListOpen,
            SpeakingTimeLimit = f.SpeakingTimeLimit is { } limit ? Duration.FromTimeSpan(limit) : null,
            Current = f.Current is { } c ? new V1.CurrentSpeaker
            {
                Request = c.Request.ToProto(), GivenAt = Timestamp.FromDateTimeOffset(c.GivenAt),
                Elapsed = Duration.FromTimeSpan(c.ElapsedAt(f.AsOf)), Running = c.RunningSince is not null,
            } : null,
            AsOf = Timestamp.FromDateTimeOffset(f.AsOf),
        };
        message.Queue.AddRange(f.Queue.Select(r => r.ToProto()));
        message.Speeches.AddRange(f.Speeches.Select(s => s.ToProto()));
        message.BySpeaker.AddRange(SpeakersList.BySpeaker(f.Speeches).Select(ToProto));
        message.ByDelegation.AddRange(SpeakersList.ByDelegation(f.Speeches).Select(ToProto));
        return message;
    }

    public static V1.DisplayLink ToProto(this Domain.DisplayLink l) => new()
    {
        Id = l.Id, AssemblyId = l.AssemblyId, Label = l.Label, CreatedAt = Timestamp.FromDateTimeOffset(l.CreatedAt), CreatedBy = l.CreatedBy,
        RevokedAt = l.RevokedAt is { } revoked ? Timestamp.FromDateTimeOffset(revoked) : null,
    };

    public static V1.Motion ToProto(this Domain.Motion m)
    {
        var message = new V1.Motion { AgendaItemId = m.AgendaItemId, Decided = m.Decided };
        message.Tabled.AddRange(m.Tabled.Select(ToProto));
        message.Text.AddRange(m.Text.Select(ToProto));
        message.Amendments.AddRange(m.Amendments.Select(a => a.ToProto(m)));
        return message;
    }

    /// <summary>An amendment with its difference: what it changed once adopted; against the text now otherwise (none when its paragraph is gone).</summary>
    public static V1.Amendment ToProto(this Domain.Amendment a, Domain.Motion m)
    {
        var message = new V1.Amendment
        {
            Id = a.Id, MemberCityId = a.MemberCityId, SubmittedBy = a.SubmittedBy, Kind = (V1.AmendmentKind)a.Kind, ParagraphId = a.ParagraphId,
            Text = a.Text, Reason = a.Reason, Status = (V1.AmendmentStatus)a.Status, Ruling = a.Ruling, Order = a.Order, BallotId = a.BallotId,
            SubmittedAt = Timestamp.FromDateTimeOffset(a.SubmittedAt), DecidedAt = a.DecidedAt is { } decided ? Timestamp.FromDateTimeOffset(decided) : null,
        };
        var before = a.Status == Domain.AmendmentStatus.Adopted ? a.ReplacedText
            : a.Kind == Domain.AmendmentKind.Insert ? ""
            : m.Text.FirstOrDefault(p => p.Id == a.ParagraphId)?.Text;
        if (before is not null)
            message.Changes.AddRange(TextDiff.Words(before, a.Kind == Domain.AmendmentKind.Delete ? "" : a.Text)
                .Select(c => new V1.TextChange { Kind = (V1.TextChange.Types.Kind)c.Kind, Text = c.Text }));
        return message;
    }

    private static V1.Paragraph ToProto(Domain.Paragraph p) => new() { Id = p.Id, Text = p.Text };

    /// <summary>A speaking time as a clock: 4:05, or 1:02:05 past an hour (screens and minutes alike).</summary>
    public static string Clock(TimeSpan time) =>
        time.TotalHours >= 1 ? $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}" : $"{(int)time.TotalMinutes}:{time.Seconds:00}";

    public static V1.SpeakerRequest ToProto(this Domain.SpeakerRequest r) => new()
    {
        Id = r.Id, ParticipantId = r.ParticipantId, MemberCityId = r.MemberCityId, DisplayName = r.DisplayName,
        Kind = (V1.SpeechKind)r.Kind, RequestedAt = Timestamp.FromDateTimeOffset(r.RequestedAt),
    };

    public static V1.Speech ToProto(this Domain.Speech s) => new()
    {
        Request = s.Request.ToProto(), GivenAt = Timestamp.FromDateTimeOffset(s.GivenAt), EndedAt = Timestamp.FromDateTimeOffset(s.EndedAt),
        Duration = Duration.FromTimeSpan(s.Duration),
    };

    private static V1.SpeakingTime ToProto(Domain.SpeakingTime t) => new()
    {
        ParticipantId = t.ParticipantId, DisplayName = t.DisplayName, MemberCityId = t.MemberCityId, Speeches = t.Speeches,
        Total = Duration.FromTimeSpan(t.Total),
    };
}
