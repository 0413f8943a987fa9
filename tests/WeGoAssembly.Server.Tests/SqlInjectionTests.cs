using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Storage;
using WeGoAssembly.Testing;
using Xunit.Abstractions;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// SQL-injection strings through every string field of every request message of every served rpc (found by walking
/// the proto descriptors, nested and repeated fields included), as the secretariat over the real client: each reply
/// is OK or a clean client error, never INTERNAL or UNKNOWN; afterwards every table is still there with no fewer
/// rows, a normal call still works, and injected text the server accepted as data reads back byte for byte.
/// The requests start from the role matrix's valid request of each rpc, so that the injected field is often the only
/// thing wrong with it and the string travels as far as the database.
/// </summary>
public abstract class SqlInjectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Classic injections, SQL wildcards and escapes, a NUL, Unicode look-alike quotes, and a long one.</summary>
    public static readonly string[] Injections =
    [
        "'; DROP TABLE grain_state; --",
        "\" OR 1=1 --",
        "\\'",
        "%_",
        "nul\0byte",
        "' OR '1'='1' /*",
        "x'); DELETE FROM audit_event; --",
        "$$; DROP TABLE ballot_voter; $$",
        "‘’‚‛“”„‟′″＇＂ʼ OR 1=1",
        "'||(SELECT 1)||'",
        "\\\\'; TRUNCATE audit_event; --",
        string.Concat(Enumerable.Repeat("' OR 1=1; --", 1_000)),
    ];

    // What a request that is wrong (or merely unusual) may get; INTERNAL, UNKNOWN or UNAVAILABLE would mean the input broke something.
    private static readonly HashSet<StatusCode> Clean =
    [
        StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.FailedPrecondition, StatusCode.AlreadyExists,
        StatusCode.PermissionDenied, StatusCode.OutOfRange, StatusCode.Unauthenticated, StatusCode.ResourceExhausted,
    ];

    private const string Agenda = "/wego.assembly.v1.AgendaService/";

    /// <summary>
    /// Rpcs whose accepted text has a place to be read back from: the path of the stored entity in the request, the
    /// entity's fields the server sets itself (output only, so an injected value is rightly ignored), how to read it back.
    /// </summary>
    private static readonly Dictionary<string, (string Prefix, string[] OutputOnly, Func<SampleApi, IMessage, Task<IMessage?>> Read)> ReadBacks = new()
    {
        ["MembershipService/UpsertMemberCity"] = ("member_city.", [], async (api, r) => await api.GetMemberCity(((UpsertMemberCityRequest)r).MemberCity.Id)),
        ["AssemblyService/CreateAssembly"] = ("assembly.", [], async (api, r) => await api.GetAssembly(((CreateAssemblyRequest)r).Assembly.Id)),
        ["AuthService/UpsertStaffAccount"] = ("account.", [], async (api, r) =>
            (await api.ListStaffAccounts(new() { PageSize = 500 })).Accounts.SingleOrDefault(a => a.UserName == ((UpsertStaffAccountRequest)r).Account.UserName)),
        ["AgendaService/CreateAgendaItem"] = ("agenda_item.", ["id"], async (api, r) =>
        {
            var item = ((CreateAgendaItemRequest)r).AgendaItem;
            var agenda = await api.Unary<ListAgendaRequest, ListAgendaResponse>(Agenda + "ListAgenda", new() { AssemblyId = item.AssemblyId });
            return agenda.AgendaItems.SingleOrDefault(i => i.Number == item.Number);
        }),
    };

    /// <summary>
    /// Valid requests beyond the role matrix's one per rpc, where a field only matters in another shape of request:
    /// a candidate's fields only in an election.
    /// </summary>
    private static readonly RoleMatrixRow[] MoreRequests =
    [
        new("VotingService/CreateBallot", async c =>
        {
            var number = c.Unique("election");
            var item = await c.Secretariat.Unary<CreateAgendaItemRequest, CreateAgendaItemResponse>(Agenda + "CreateAgendaItem", new()
            {
                AgendaItem = new() { AssemblyId = "ga-2023", Number = number, TitleEn = $"Election {number}", Kind = AgendaItemKind.Election },
            });
            return new CreateBallotRequest
            {
                Ballot = new()
                {
                    AgendaItemId = item.AgendaItem.Id, QuestionEn = "Elect the chair", Kind = BallotKind.Election, Seats = 1, Method = BallotMethod.Secret,
                    Candidates = { new Candidate { Id = "seoul", NameEn = "Seoul", MemberCityId = "seoul" }, new Candidate { Id = "busan", NameEn = "Busan" } },
                },
            };
        }, Access.SecretariatOnly),
    ];

    private WeGoServer server = null!;

    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => server = await WeGoServer.StartAsync(await FreshDatabaseAsync());

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    [Fact]
    public async Task Injection_strings_in_every_string_field_of_every_rpc_get_clean_statuses_and_leave_the_database_intact()
    {
        var secretariat = await server.SecretariatAsync();
        var seoul = await secretariat.GetMemberCity("seoul");
        var tablesBefore = await CountRowsAsync();
        var served = RoleMatrixTests.Callers.Served(server.Services);
        var failures = new List<string>();
        var statuses = new Dictionary<StatusCode, int>();
        var (calls, fields, readBacks) = (0, 0, 0);

        foreach (var row in RoleMatrix.Rows.Concat(MoreRequests))
        {
            var rpc = served[row.Method];
            var valid = await row.Request(new MatrixContext(server, secretariat, MatrixCaller.Secretariat));
            var paths = new List<string>();
            Inject(Copy(valid), "", only: null, paths);
            fields += paths.Distinct().Count();

            // Every string field at once with each injection, then each field alone with each injection.
            var variants = Injections.Select(s => (Path: (string?)null, Value: s))
                .Concat(paths.Distinct().SelectMany(p => Injections.Select(s => ((string?)p, s))));
            foreach (var (path, value) in variants)
            {
                var request = Copy(valid);
                Inject(request, value, path, []);
                var status = await CallAsync(secretariat, rpc, request);
                calls++;
                statuses[status.StatusCode] = statuses.GetValueOrDefault(status.StatusCode) + 1;
                var what = $"{row.Method} {path ?? "(every string field)"} = {Show(value)}";
                if (!Clean.Contains(status.StatusCode) && !(status.StatusCode == StatusCode.DeadlineExceeded && rpc.Name.StartsWith("Watch", StringComparison.Ordinal)))
                {
                    failures.Add($"{what}: {status.StatusCode} \"{status.Detail}\"");
                }
                else if (status.StatusCode == StatusCode.OK && path is not null && ReadBacks.TryGetValue(row.Method, out var readBack)
                    && path.StartsWith(readBack.Prefix, StringComparison.Ordinal) && !readBack.OutputOnly.Contains(path[readBack.Prefix.Length..]))
                {
                    readBacks++;
                    var stored = await readBack.Read(secretariat, request);
                    var field = path[readBack.Prefix.Length..];
                    if (stored is null || ValueAt(stored, field) != value)
                    {
                        failures.Add($"{what}: accepted, but reads back as {(stored is null ? "nothing" : Show(ValueAt(stored, field)))}");
                    }
                }
            }
        }

        var tablesAfter = await CountRowsAsync();
        output.WriteLine($"{calls} calls over {RoleMatrix.Rows.Count} rpcs ({RoleMatrix.Rows.Count + MoreRequests.Length} valid requests) and {fields} string fields, {Injections.Length} injection strings; " +
            $"{readBacks} accepted values read back; statuses: " + string.Join(", ", statuses.OrderByDescending(s => s.Value).Select(s => $"{s.Key} {s.Value}")));
        output.WriteLine("rows before -> after: " + string.Join(", ", tablesBefore.Select(t => $"{t.Key} {t.Value}->{tablesAfter.GetValueOrDefault(t.Key, -1)}")));
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(40)));
        Assert.Equal(tablesBefore.Keys.Order(), tablesAfter.Keys.Order());
        Assert.All(tablesBefore, t => Assert.True(tablesAfter[t.Key] >= t.Value, $"{t.Key} lost rows: {t.Value} -> {tablesAfter[t.Key]}"));
        Assert.Equal(seoul, await secretariat.GetMemberCity("seoul"));
    }

    private static async Task<Status> CallAsync(SampleApi api, MethodDescriptor rpc, IMessage request)
    {
        try
        {
            // Generous for a loaded machine; a call that takes this long has hung.
            await RoleMatrixTests.CallAsync(api, rpc, request).WaitAsync(TimeSpan.FromSeconds(60));
            return Status.DefaultSuccess;
        }
        catch (RpcException e)
        {
            return e.Status;
        }
    }

    /// <summary>
    /// Sets <paramref name="value"/> into every string field (or only the one at path <paramref name="only"/>, such as
    /// "site_visit.vehicles.label"), creating nested messages and one element of empty repeated ones on the way;
    /// adds each path set to <paramref name="paths"/>.
    /// </summary>
    private static void Inject(IMessage message, string value, string? only, List<string> paths, string prefix = "")
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var path = prefix + field.Name;
            if (field.FieldType == FieldType.String && (only is null || only == path))
            {
                paths.Add(path);
                if (field.IsRepeated)
                {
                    var list = (IList)field.Accessor.GetValue(message);
                    list.Clear();
                    list.Add(value);
                }
                else
                {
                    field.Accessor.SetValue(message, value);
                }
            }
            else if (field.FieldType == FieldType.Message && !field.IsMap && (only is null || only.StartsWith(path + ".", StringComparison.Ordinal)))
            {
                if (field.IsRepeated)
                {
                    var list = (IList)field.Accessor.GetValue(message);
                    if (list.Count == 0)
                    {
                        list.Add(field.MessageType.Parser.ParseFrom(ByteString.Empty));
                    }

                    foreach (IMessage item in list)
                    {
                        Inject(item, value, only, paths, path + ".");
                    }
                }
                else
                {
                    var child = (IMessage?)field.Accessor.GetValue(message) ?? field.MessageType.Parser.ParseFrom(ByteString.Empty);
                    Inject(child, value, only, paths, path + ".");
                    field.Accessor.SetValue(message, child);
                }
            }
        }
    }

    /// <summary>The string (or the repeated strings, joined by newlines) at a dotted path; null when the path is not there.</summary>
    private static string? ValueAt(IMessage message, string path)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        var field = message.Descriptor.FindFieldByName(dot < 0 ? path : path[..dot]);
        var value = field?.Accessor.GetValue(message);
        return value switch
        {
            string text when dot < 0 => text,
            IEnumerable<string> texts when dot < 0 => string.Join("\n", texts),
            IMessage child when dot >= 0 => ValueAt(child, path[(dot + 1)..]),
            IList list when dot >= 0 && list.Count == 1 => ValueAt((IMessage)list[0]!, path[(dot + 1)..]),
            _ => null,
        };
    }

    private static IMessage Copy(IMessage message) => message.Descriptor.Parser.ParseFrom(message.ToByteString());

    private static string Show(string? value) =>
        value is null ? "null" : value.Length > 40 ? $"\"{value[..20]}…\" ({value.Length} chars)" : $"\"{value.Replace("\0", "\\0", StringComparison.Ordinal)}\"";

    /// <summary>Every table of the database with its row count.</summary>
    private async Task<Dictionary<string, long>> CountRowsAsync()
    {
        await using var connection = await server.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = connection is Npgsql.NpgsqlConnection
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();

            // A table name cannot be a parameter; these come from the catalog, quoted as identifiers.
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            counts[table] = Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return counts;
    }
}

public sealed class SqliteSqlInjectionTests(ITestOutputHelper output) : SqlInjectionTests(output)
{
    private readonly TempSqliteFile file = new();

    protected override Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path });

    protected override Task CleanUpAsync()
    {
        file.Dispose();
        return Task.CompletedTask;
    }
}

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresSqlInjectionTests(PostgresCluster cluster, ITestOutputHelper output) : SqlInjectionTests(output)
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}
