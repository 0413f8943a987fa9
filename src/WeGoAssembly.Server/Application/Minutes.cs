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
/// quorum at close, as CSV (GET /assemblies/{id}/minutes.csv) and as a printable page
/// (GET /assemblies/{id}/minutes). Results are public once a ballot is closed; open ballots show no counts.
/// </summary>
public static class Minutes
{
    public static void MapMinutes(this WebApplication app)
    {
        app.MapGet("/assemblies/{assemblyId}/minutes", async (string assemblyId, IGrainFactory grains) =>
            await ReadAsync(grains, assemblyId) is { } rows ? Results.Text(Html(assemblyId, rows), "text/html; charset=utf-8") : Results.NotFound());
        app.MapGet("/assemblies/{assemblyId}/minutes.csv", async (string assemblyId, IGrainFactory grains) =>
            await ReadAsync(grains, assemblyId) is { } rows ? Results.Text(Csv(rows), "text/csv; charset=utf-8") : Results.NotFound());
    }

    private sealed record Row(AgendaItem Item, BallotView Ballot);

    private static async Task<IReadOnlyList<Row>?> ReadAsync(IGrainFactory grains, string assemblyId)
    {
        var errors = new List<Contracts.FieldError>();
        TextRules.Slug("assembly_id", assemblyId, errors);
        if (errors.Count > 0 || await grains.GetGrain<IAssemblyGrain>(assemblyId).GetAsync() is null)
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
        return rows.OrderBy(r => r.Item.Order).ThenBy(r => r.Ballot.Ballot.OpenedAt).ToArray();
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

    private static string Html(string assemblyId, IReadOnlyList<Row> rows)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder($"""
            <!doctype html><html lang="en"><meta charset="utf-8"><title>Minutes — {E(assemblyId)}</title>
            <style>body{"{"}font:11pt serif;margin:2cm{"}"} table{"{"}border-collapse:collapse;width:100%{"}"} td,th{"{"}border:1px solid #888;padding:4px;text-align:left{"}"} @media print{"{"}a{"{"}display:none{"}"}{"}"}</style>
            <h1>Minutes of the votes — {E(assemblyId)}</h1>
            <table><tr><th>Item</th><th>Ballot</th><th>Method</th><th>Outcome</th><th>Votes cast</th><th>Counts</th><th>Needed / base</th><th>Quorum at close</th><th>Closed</th></tr>
            """);
        foreach (var (item, v) in rows.Select(r => (r.Item, r.Ballot)))
        {
            var r = v.Result;
            html.Append($"<tr><td>{E(item.Number)} {E(item.TitleEn)}</td><td>{E(v.Ballot.QuestionEn)}</td><td>{v.Ballot.Method}</td>")
                .Append($"<td>{(r is null ? v.Ballot.Status.ToString() : r.Outcome + (r.Elected.Count > 0 ? ": " + E(string.Join(", ", r.Elected)) : ""))}</td>")
                .Append($"<td>{r?.VotesCast}</td><td>{E(Counts(v))}</td><td>{(r is null ? "" : $"{r.VotesNeeded} of {r.MajorityBase}")}</td>")
                .Append($"<td>{(r is null ? "" : $"{r.Quorum.Present} present of {r.Quorum.Eligible}, {r.Quorum.Required} required")}</td>")
                .Append($"<td>{v.Ballot.ClosedAt:yyyy-MM-dd HH:mm} UTC</td></tr>\n");
        }
        return html.Append("</table></html>").ToString();
    }
}
