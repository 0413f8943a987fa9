using System.Globalization;
using System.Net;
using System.Text;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Rules;
using Orleans;

namespace WeGoAssembly.Server.Application;

/// <summary>
/// The minutes of an assembly on the web port: every ballot with its agenda item, outcome, counts and
/// quorum at close, as CSV (GET /assemblies/{id}/minutes.csv) and as a printable, bilingual page
/// (GET /assemblies/{id}/minutes). Results are public once a ballot is closed; open ballots show no counts.
/// </summary>
public static class Minutes
{
    public static void MapMinutes(this WebApplication app)
    {
        app.MapGet("/assemblies/{assemblyId}/minutes", async (string assemblyId, IGrainFactory grains) =>
            await ReadAsync(grains, assemblyId) is ({ } assembly, var rows)
                ? Results.Text(await HtmlAsync(grains, assembly, rows), "text/html; charset=utf-8")
                : Results.NotFound());
        app.MapGet("/assemblies/{assemblyId}/minutes.csv", async (string assemblyId, IGrainFactory grains) =>
            await ReadAsync(grains, assemblyId) is (_, var rows) ? Results.Text(Csv(rows), "text/csv; charset=utf-8") : Results.NotFound());
    }

    private sealed record Row(AgendaItem Item, BallotView Ballot);

    /// <summary>The assembly and its ballots with their agenda items; null when there is no such assembly.</summary>
    private static async Task<(Assembly Assembly, IReadOnlyList<Row> Rows)?> ReadAsync(IGrainFactory grains, string assemblyId)
    {
        var errors = new List<Contracts.FieldError>();
        TextRules.Slug("assembly_id", assemblyId, errors);
        if (errors.Count > 0 || await grains.GetGrain<IAssemblyGrain>(assemblyId).GetAsync() is not { } assembly)
            return null;
        var agenda = grains.GetGrain<IAgendaGrain>(assemblyId);
        var items = (await agenda.ListAsync()).ToDictionary(i => i.Id);
        var rows = new List<Row>();
        foreach (var id in await agenda.ListBallotsAsync())
        {
            var view = await grains.GetGrain<IBallotGrain>(id).GetAsync();
            if (items.TryGetValue(view.Ballot.AgendaItemId, out var item))
                rows.Add(new(item, view));
        }
        return (assembly, rows.OrderBy(r => r.Item.Order).ThenBy(r => r.Ballot.Ballot.OpenedAt).ToArray());
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
    private static async Task<string> HtmlAsync(IGrainFactory grains, Assembly assembly, IReadOnlyList<Row> rows)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string Both(string en, string ko) => ko.Length == 0 || ko == en ? E(en) : $"{E(en)}<br><span lang=\"ko\">{E(ko)}</span>";
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(assembly.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
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
            <h1>Minutes of the votes · 표결 회의록<br>{E(assembly.Title)}</h1>
            <p>{E(assembly.Venue)}{(assembly.StartsOn is { } from ? $", {from:yyyy-MM-dd}" + (assembly.EndsOn is { } to && to != from ? $" – {to:yyyy-MM-dd}" : "") : "")}.
            Times in {E(zone.Id)} · 시각은 {E(zone.Id)} 기준</p>
            <p class="no-print"><button onclick="window.print()">Print · 인쇄</button> <a href="/assemblies/{E(assembly.Id)}/minutes.csv">CSV</a></p>
            """);
        if (rows.Count == 0)
            html.Append("<p>No ballot yet · 아직 투표가 없습니다</p>");
        foreach (var (item, v) in rows.Select(r => (r.Item, r.Ballot)))
        {
            var b = v.Ballot;
            var r = v.Result;
            html.Append($"<h2>{E(item.Number)}. {Both(item.TitleEn, item.TitleKo)}</h2>")
                .Append($"<p><strong>{Both(b.QuestionEn, b.QuestionKo)}</strong></p><div class=\"scroll\"><table>")
                .Append($"<tr><th>Method · 방식</th><td>{MethodWords(b.Method)}</td></tr>")
                .Append(b.MajorityRule is { } rule ? $"<tr><th>Majority · 의결 기준</th><td>{RuleWords(rule)}</td></tr>" : "")
                .Append($"<tr><th>Opened · 개시</th><td>{When(b.OpenedAt)}</td></tr><tr><th>Closed · 종료</th><td>{When(b.ClosedAt)}</td></tr>");
            if (r is null)
            {
                html.Append($"<tr><th>Status · 상태</th><td>{(b.Status == BallotStatus.Open ? "open, counts after it closes · 진행 중, 종료 후 집계" : "not opened · 개시 전")}</td></tr></table></div>");
                continue;
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
        return html.Append("</html>").ToString();
    }

    private static string MethodWords(BallotMethod m) => m == BallotMethod.Secret ? "secret ballot · 비밀 투표" : "roll-call vote · 기명 투표";

    private static string RuleWords(MajorityRule r) => r switch
    {
        MajorityRule.SimpleMajorityOfVotesCast => "simple majority of votes cast · 투표수의 과반수",
        MajorityRule.TwoThirdsOfVotesCast => "two thirds of votes cast · 투표수의 3분의 2",
        MajorityRule.AbsoluteMajorityOfEligible => "majority of all members entitled to vote · 투표권 회원 전체의 과반수",
        _ => r.ToString(),
    };

    private static string ChoiceWords(MotionChoice c) => c switch
    {
        MotionChoice.Yes => "yes · 찬성",
        MotionChoice.No => "no · 반대",
        _ => "abstain · 기권",
    };

    private static string OutcomeWords(BallotOutcome o) => o switch
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
