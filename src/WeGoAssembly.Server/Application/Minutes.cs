using System.Globalization;
using System.Net;
using System.Text;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Rules;
using Orleans;

namespace WeGoAssembly.Server.Application;

/// <summary>
/// The minutes of an assembly on the web port: per agenda item, who spoke, in order and for how long, and every
/// ballot with its outcome, counts and quorum at close, as a printable, bilingual page (GET /assemblies/{id}/minutes);
/// the ballots also as CSV (GET /assemblies/{id}/minutes.csv). Results are public once a ballot is closed; open
/// ballots show no counts.
/// </summary>
public static class Minutes
{
    public static void MapMinutes(this WebApplication app)
    {
        app.MapGet("/assemblies/{assemblyId}/minutes", async (string assemblyId, IGrainFactory grains) =>
            await ReadAsync(grains, assemblyId) is ({ } assembly, var items, var rows)
                ? Results.Text(await HtmlAsync(grains, assembly, rows, await DebatesAsync(grains, items)), "text/html; charset=utf-8")
                : Results.NotFound());
        app.MapGet("/assemblies/{assemblyId}/minutes.csv", async (string assemblyId, IGrainFactory grains) =>
            await ReadAsync(grains, assemblyId) is (_, _, var rows) ? Results.Text(Csv(rows), "text/csv; charset=utf-8") : Results.NotFound());
    }

    private sealed record Row(AgendaItem Item, BallotView Ballot);

    /// <summary>The assembly, its agenda and its ballots with their agenda items; null when there is no such assembly.</summary>
    private static async Task<(Assembly Assembly, IReadOnlyList<AgendaItem> Items, IReadOnlyList<Row> Rows)?> ReadAsync(IGrainFactory grains, string assemblyId)
    {
        var errors = new List<Contracts.FieldError>();
        TextRules.Slug("assembly_id", assemblyId, errors);
        if (errors.Count > 0 || await grains.GetGrain<IAssemblyGrain>(assemblyId).GetAsync() is not { } assembly)
            return null;
        var agenda = grains.GetGrain<IAgendaGrain>(assemblyId);
        var agendaItems = await agenda.ListAsync();
        var items = agendaItems.ToDictionary(i => i.Id);
        var rows = new List<Row>();
        foreach (var id in await agenda.ListBallotsAsync())
        {
            var view = await grains.GetGrain<IBallotGrain>(id).GetAsync();
            if (items.TryGetValue(view.Ballot.AgendaItemId, out var item))
                rows.Add(new(item, view));
        }
        return (assembly, agendaItems, rows.OrderBy(r => r.Item.Order).ThenBy(r => r.Ballot.Ballot.OpenedAt).ToArray());
    }

    private sealed record Debate(AgendaItem Item, IReadOnlyList<Contracts.Floor.Speech> Speeches, Contracts.Floor.Motion? Motion);

    /// <summary>The debate on each item of the agenda, in agenda order: the speeches and, on a decision item, the motion and its amendments (items with neither left out).</summary>
    private static async Task<IReadOnlyList<Debate>> DebatesAsync(IGrainFactory grains, IReadOnlyList<AgendaItem> items)
    {
        var debates = await Task.WhenAll(items.Select(async i => new Debate(i,
            (await grains.GetGrain<Contracts.Floor.IFloorGrain>(i.Id).GetAsync()).Speeches,
            i.Kind == AgendaItemKind.Decision && await grains.GetGrain<Contracts.Floor.IMotionGrain>(i.Id).GetAsync() is { Tabled.Count: > 0 } motion ? motion : null)));
        return debates.Where(d => d.Speeches.Count > 0 || d.Motion is not null).ToArray();
    }

    private static string Counts(BallotView v) => v.Result is null ? "" : string.Join("; ",
        v.Result.Counts.Select(c => $"{(c.Motion is { } m ? m.ToString().ToLowerInvariant() : c.CandidateId)} {c.Votes}"));

    private static string Csv(IReadOnlyList<Row> rows)
    {
        var csv = new StringBuilder("item_number,item_title,ballot_id,question,kind,method,status,outcome,votes_cast,counts,majority_base,votes_needed,elected,present,eligible,required,closed_at\r\n");
        foreach (var (item, v) in rows.Select(r => (r.Item, r.Ballot)))
        {
            var r = v.Result;
            string[] fields =
            [
                item.Number, item.TitleEn, v.Ballot.Id, v.Ballot.QuestionEn, v.Ballot.Kind.ToString(), v.Ballot.Method.ToString(), v.Ballot.Status.ToString(),
                r?.Outcome.ToString() ?? "", r?.VotesCast.ToString(CultureInfo.InvariantCulture) ?? "", Counts(v),
                r?.MajorityBase.ToString(CultureInfo.InvariantCulture) ?? "", r?.VotesNeeded.ToString(CultureInfo.InvariantCulture) ?? "",
                r is null ? "" : string.Join(' ', r.Elected), r?.Quorum.Present.ToString(CultureInfo.InvariantCulture) ?? "",
                r?.Quorum.Eligible.ToString(CultureInfo.InvariantCulture) ?? "", r?.Quorum.Required.ToString(CultureInfo.InvariantCulture) ?? "",
                v.Ballot.ClosedAt?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "",
            ];
            csv.AppendJoin(',', fields.Select(Quote)).Append("\r\n");
        }
        return csv.ToString();
    }

    // RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so that a spreadsheet does not run it as a formula.
    private static string Quote(string value)
    {
        if (value.Length > 0 && "=+-@".Contains(value[0]) && !char.IsAsciiDigit(value.ElementAtOrDefault(1)))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }

    /// <summary>
    /// The minutes for filing: English and Korean side by side (the assembly's two languages), words rather than
    /// codes, times in the assembly's own zone with the zone named, and each member's vote on a roll-call ballot.
    /// </summary>
    private static async Task<string> HtmlAsync(IGrainFactory grains, Assembly assembly, IReadOnlyList<Row> rows,
        IReadOnlyList<Debate> debates)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string Both(string en, string ko) => ko.Length == 0 || ko == en ? E(en) : $"{E(en)}<br><span lang=\"ko\">{E(ko)}</span>";
        var zone = AssemblyCalendar.Zone(assembly.TimeZone);
        string When(DateTimeOffset? at) => at is { } t ? $"{TimeZoneInfo.ConvertTime(t, zone):yyyy-MM-dd HH:mm} ({E(zone.Id)})" : "";
        var cities = new Dictionary<string, string>();
        async Task<string> City(string id)
        {
            if (!cities.TryGetValue(id, out var name))
            {
                var city = await grains.GetGrain<Contracts.Membership.IMemberCityGrain>(id).GetAsync();
                cities[id] = name = city is null ? id : CityNames.Of(city.ToProto());
            }
            return name;
        }

        var html = new StringBuilder($"""
            <!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Minutes · 회의록 — {E(assembly.Title)}</title>
            <style>body{"{"}font:11pt/1.4 serif;margin:2cm auto;max-width:60rem;padding:0 1rem{"}"} table{"{"}border-collapse:collapse;width:100%;margin:0 0 1rem{"}"} td,th{"{"}border:1px solid #888;padding:4px;text-align:left;vertical-align:top{"}"} h2{"{"}margin-top:2rem{"}"} .scroll{"{"}overflow-x:auto{"}"} @media print{"{"}.no-print{"{"}display:none{"}"} h2{"{"}break-after:avoid{"}"}{"}"}</style>
            <h1>Minutes · 회의록<br>{E(assembly.Title)}</h1>
            <p>{E(assembly.Venue)}{(assembly.StartsOn is { } from ? $", {from:yyyy-MM-dd}" + (assembly.EndsOn is { } to && to != from ? $" – {to:yyyy-MM-dd}" : "") : "")}.
            Times in {E(zone.Id)} · 시각은 {E(zone.Id)} 기준</p>
            <p class="no-print"><button onclick="window.print()">Print · 인쇄</button> <a href="/assemblies/{E(assembly.Id)}/minutes.csv">CSV</a></p>
            """);
        if (rows.Count == 0 && debates.Count == 0)
            html.Append("<p>No debate or ballot yet · 아직 토론이나 투표가 없습니다</p>");
        // Item by item, in agenda order: the debate, then the ballots taken on the item.
        var items = debates.Select(d => d.Item).Concat(rows.Select(r => r.Item)).DistinctBy(i => i.Id).OrderBy(i => i.Order);
        foreach (var item in items)
        {
            html.Append($"<h2>{E(item.Number)}. {Both(item.TitleEn, item.TitleKo)}</h2>");
            var debate = debates.FirstOrDefault(d => d.Item.Id == item.Id);
            if (debate?.Speeches is { Count: > 0 } speeches)
            {
                html.Append("<h3>Speakers · 발언자</h3><div class=\"scroll\"><table><tr><th>#</th><th>Speaker · 발언자</th><th>Member · 회원</th><th>Asked · 신청</th><th>From · 시작</th><th>Time · 시간</th></tr>");
                var n = 0;
                foreach (var speech in speeches)
                    html.Append($"<tr><td>{++n}</td><td>{E(speech.Request.DisplayName)}</td><td>{E(await City(speech.Request.MemberCityId))}</td><td>{KindWords(speech.Request.Kind)}</td>")
                        .Append($"<td>{When(speech.GivenAt)}</td><td>{FloorMapping.Clock(speech.Duration)}</td></tr>");
                html.Append("</table></div>");
            }
            if (debate?.Motion is { } motion)
                await MotionAsync(motion);
            foreach (var v in rows.Where(r => r.Item.Id == item.Id).Select(r => r.Ballot))
                await BallotAsync(v);
        }
        return html.Append("</html>").ToString();

        // The amendments and their fate, then the text the motion was (or will be) voted on.
        async Task MotionAsync(Contracts.Floor.Motion motion)
        {
            if (motion.Amendments.Count > 0)
            {
                html.Append("<h3>Amendments · 수정안</h3><div class=\"scroll\"><table><tr><th>#</th><th>Member · 회원</th><th>Proposed · 제안</th><th>Reason · 이유</th><th>Fate · 결과</th></tr>");
                foreach (var a in motion.Amendments)
                {
                    var proposed = a.Kind switch
                    {
                        Contracts.Floor.AmendmentKind.Replace => $"replace {E(a.ParagraphId)} with · {E(a.ParagraphId)} 대체: “{E(a.Text)}”",
                        Contracts.Floor.AmendmentKind.Insert => $"insert {(a.ParagraphId.Length == 0 ? "at the start · 맨 앞에 삽입" : $"after {E(a.ParagraphId)} · {E(a.ParagraphId)} 뒤에 삽입")}: “{E(a.Text)}”",
                        _ => $"delete {E(a.ParagraphId)} · {E(a.ParagraphId)} 삭제",
                    };
                    var fate = AmendmentWords(a.Status) + (a.Ruling.Length > 0 ? $": {E(a.Ruling)}" : "") + (a.BallotId.Length > 0 ? $" ({E(a.BallotId)})" : "");
                    html.Append($"<tr><td>{E(a.Id)}</td><td>{E(await City(a.MemberCityId))}</td><td>{proposed}</td><td>{E(a.Reason)}</td><td>{fate}</td></tr>");
                }
                html.Append("</table></div>");
            }
            html.Append(motion.Decided ? "<h3>The motion as voted · 표결된 동의안</h3><ol>" : "<h3>The motion now · 현재 동의안</h3><ol>");
            foreach (var p in motion.Text)
                html.Append($"<li>{E(p.Text)}</li>");
            html.Append("</ol>");
        }

        async Task BallotAsync(BallotView v)
        {
            var b = v.Ballot;
            var r = v.Result;
            html.Append($"<h3>{Both(b.QuestionEn, b.QuestionKo)}</h3><div class=\"scroll\"><table>")
                .Append($"<tr><th>Method · 방식</th><td>{MethodWords(b.Method)}</td></tr>")
                .Append(b.MajorityRule is { } rule ? $"<tr><th>Majority · 의결 기준</th><td>{RuleWords(rule)}</td></tr>" : "")
                .Append($"<tr><th>Opened · 개시</th><td>{When(b.OpenedAt)}</td></tr><tr><th>Closed · 종료</th><td>{When(b.ClosedAt)}</td></tr>");
            if (r is null)
            {
                html.Append($"<tr><th>Status · 상태</th><td>{(b.Status == BallotStatus.Open ? "open, counts after it closes · 진행 중, 종료 후 집계" : "not opened · 개시 전")}</td></tr></table></div>");
                return;
            }
            html.Append($"<tr><th>Outcome · 결과</th><td><strong>{OutcomeWords(r.Outcome)}</strong>{(r.Elected.Count > 0 ? ": " + E(string.Join(", ", r.Elected.Select(id => b.Candidates.FirstOrDefault(c => c.Id == id)?.NameEn ?? id))) : "")}</td></tr>")
                .Append($"<tr><th>Votes cast · 투표 수</th><td>{r.VotesCast}</td></tr>");
            foreach (var c in r.Counts)
                html.Append($"<tr><th>{(c.Motion is { } m ? ChoiceWords(m) : E(b.Candidates.FirstOrDefault(x => x.Id == c.CandidateId)?.NameEn ?? c.CandidateId ?? ""))}</th><td>{c.Votes}</td></tr>");
            if (r.VotesNeeded > 0)
                html.Append($"<tr><th>Votes needed · 필요 득표</th><td>{r.VotesNeeded} of {r.MajorityBase} · 기준 {r.MajorityBase} 중 {r.VotesNeeded}</td></tr>");
            html.Append($"<tr><th>Quorum at close · 종료 시 정족수</th><td>{r.Quorum.Present} present of {r.Quorum.Eligible} eligible, {r.Quorum.Required} required · 투표권 {r.Quorum.Eligible} 중 출석 {r.Quorum.Present}, 필요 {r.Quorum.Required}</td></tr></table></div>");
            if (b.Method == BallotMethod.RollCall && r.Members.Count > 0)
            {
                html.Append("<h3>Roll call · 기명 투표 기록</h3><div class=\"scroll\"><table><tr><th>Member · 회원</th><th>Vote · 투표</th></tr>");
                foreach (var m in r.Members.Where(m => m.Entitled))
                {
                    var vote = !m.Voted ? "did not vote · 투표하지 않음"
                        : m.Motion is { } choice ? ChoiceWords(choice)
                        : m.Candidates.Count == 0 ? "blank · 기권" : E(string.Join(", ", m.Candidates.Select(id => b.Candidates.FirstOrDefault(c => c.Id == id)?.NameEn ?? id)));
                    var proxy = m.Voted && m.CastByMemberCityId.Length > 0 && m.CastByMemberCityId != m.MemberCityId
                        ? $" (by proxy: {E(await City(m.CastByMemberCityId))} · 위임 투표)" : "";
                    html.Append($"<tr><td>{E(await City(m.MemberCityId))}</td><td>{vote}{proxy}</td></tr>");
                }
                html.Append("</table></div>");
            }
        }
    }

    public static string KindWords(Contracts.Floor.SpeechKind k) => k switch
    {
        Contracts.Floor.SpeechKind.For => "for · 찬성",
        Contracts.Floor.SpeechKind.Against => "against · 반대",
        Contracts.Floor.SpeechKind.PointOfOrder => "point of order · 의사진행",
        _ => "to speak · 발언",
    };

    public static string AmendmentWords(Contracts.Floor.AmendmentStatus s) => s switch
    {
        Contracts.Floor.AmendmentStatus.Submitted => "awaiting the chair · 의장 결정 대기",
        Contracts.Floor.AmendmentStatus.Admitted => "admitted, not yet voted · 상정, 표결 전",
        Contracts.Floor.AmendmentStatus.OutOfOrder => "ruled out of order · 의사 규칙 위반으로 기각",
        Contracts.Floor.AmendmentStatus.Adopted => "adopted · 가결",
        Contracts.Floor.AmendmentStatus.Rejected => "rejected · 부결",
        _ => "withdrawn · 철회",
    };

    public static string MethodWords(BallotMethod m) => m == BallotMethod.Secret ? "secret ballot · 비밀 투표" : "roll-call vote · 기명 투표";

    public static string RuleWords(MajorityRule r) => r switch
    {
        MajorityRule.SimpleMajorityOfVotesCast => "simple majority of votes cast · 투표수의 과반수",
        MajorityRule.TwoThirdsOfVotesCast => "two thirds of votes cast · 투표수의 3분의 2",
        MajorityRule.AbsoluteMajorityOfEligible => "majority of all members entitled to vote · 투표권 회원 전체의 과반수",
        _ => r.ToString(),
    };

    public static string ChoiceWords(MotionChoice c) => c switch
    {
        MotionChoice.Yes => "yes · 찬성",
        MotionChoice.No => "no · 반대",
        _ => "abstain · 기권",
    };

    public static string OutcomeWords(BallotOutcome o) => o switch
    {
        BallotOutcome.Adopted => "adopted · 가결",
        BallotOutcome.Rejected => "rejected · 부결",
        BallotOutcome.Tie => "tie: not adopted · 가부 동수 (부결)",
        BallotOutcome.NoQuorum => "no quorum: no decision · 정족수 미달 (의결 없음)",
        BallotOutcome.Elected => "elected · 당선",
        BallotOutcome.RunoffNeeded => "run-off needed · 결선 투표 필요",
        BallotOutcome.TieForChair => "tie, for the chair to decide · 동수 (의장 결정)",
        _ => o.ToString(),
    };
}
