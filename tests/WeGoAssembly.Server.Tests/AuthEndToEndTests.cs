using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Auth;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using Orleans;
using WeGoAssembly.Server.Auth;
using WeGoAssembly.Storage;
using WeGoAssembly.Testing;
using StaffAccount = WeGoAssembly.Protos.V1.StaffAccount;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// Sign-in through the real host and the C# client: the first administrator, staff accounts, access codes,
/// tokens across restarts and nodes, and what is stored; on one database engine per subclass.
/// </summary>
public abstract class AuthEndToEndTests : IAsyncLifetime
{
    private const string LogisticsPassword = "two buses to Magok, 9:00";

    private static readonly ParticipantRef SeoulDelegate = new("p-seoul-1", "ga-2023", "seoul", "김민지 Kim Min-ji");

    private IReadOnlyDictionary<string, string?> settings = null!;
    private WeGoServer server = null!;

    /// <summary>Settings that point the host at a fresh, empty database.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        settings = await FreshDatabaseAsync();
        server = await WeGoServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    [Fact]
    public async Task The_first_administrator_signs_in_with_the_configured_password_and_gets_a_secretariat_token()
    {
        var session = await server.Anonymous.SignIn(" Admin ", WeGoServer.AdminPassword);   // user names are not case-sensitive

        Assert.Equal([UserRole.Secretariat], session.Roles);
        Assert.Equal("Administrator", session.DisplayName);
        Assert.Equal("", session.ParticipantId);
        var lifetime = session.ExpiresAt.ToDateTimeOffset() - DateTimeOffset.UtcNow;
        Assert.InRange(lifetime, TimeSpan.FromHours(12) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(12));
        var admin = new SampleApi(server.Anonymous.Raw, session);
        Assert.Equal("ga-2023", (await admin.GetAssembly("ga-2023")).Id);
    }

    [Fact]
    public async Task Staff_change_their_own_password_only_with_the_current_one()
    {
        var admin = await server.SecretariatAsync();
        await admin.UpsertStaffAccount(Staff("gate.two", "Gate two", UserRole.Logistics), LogisticsPassword);
        var gate = await server.StaffAsync("gate.two", LogisticsPassword);

        // A wrong current password and a too short new one are refused, each naming its field; the password stays.
        var wrong = await Assert.ThrowsAsync<RpcException>(() => gate.ChangePassword("not my password", "a brand new password"));
        Assert.Equal(StatusCode.InvalidArgument, wrong.StatusCode);
        Assert.Contains("The current password is wrong", wrong.Status.Detail);
        var tooShort = await Assert.ThrowsAsync<RpcException>(() => gate.ChangePassword(LogisticsPassword, "short"));
        Assert.Equal(StatusCode.InvalidArgument, tooShort.StatusCode);
        Assert.Contains("new_password is 5 characters long", tooShort.Status.Detail);
        await server.StaffAsync("gate.two", LogisticsPassword);

        await gate.ChangePassword(LogisticsPassword, "the gate opens at eight");

        var old = await Assert.ThrowsAsync<RpcException>(() => server.StaffAsync("gate.two", LogisticsPassword));
        Assert.Equal(StatusCode.Unauthenticated, old.StatusCode);
        var signedIn = await server.StaffAsync("gate.two", "the gate opens at eight");
        Assert.Equal([UserRole.Logistics], (await admin.ListStaffAccounts(new())).Accounts.Single(a => a.UserName == "gate.two").Roles);
        var audit = await admin.Unary<ListAuditEventsRequest, ListAuditEventsResponse>("/wego.assembly.v1.AuditService/ListAuditEvents",
            new() { Filter = new() { ActionPrefix = "staff-account.password-changed" } });
        var entry = Assert.Single(audit.Events);
        Assert.Equal(("staff:gate.two", "staff-account/gate.two"), (entry.Actor, entry.Subject));
        Assert.DoesNotContain("gate opens", entry.Details);
        Assert.NotNull(signedIn);

        // A participant has no password to change.
        var participant = await server.ParticipantAsync(await server.IssueAccessCodeAsync(SeoulDelegate));
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => participant.ChangePassword("x", "a brand new password"))).StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_UNAUTHENTICATED_message()
    {
        var wrongPassword = await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.SignIn("admin", "not the password at all"));
        var unknownUser = await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.SignIn("nobody", "not the password at all"));
        var malformedUser = await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.SignIn("no body!", "not the password at all"));

        Assert.Equal(StatusCode.Unauthenticated, wrongPassword.StatusCode);
        Assert.Equal(wrongPassword.Status, unknownUser.Status);
        Assert.Equal(wrongPassword.Status, malformedUser.Status);
    }

    [Fact]
    public async Task Calls_without_a_valid_token_are_UNAUTHENTICATED_with_a_message_saying_how_to_sign_in()
    {
        var none = await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.GetMemberCity("seoul"));
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        Assert.Equal(CallContext.SignInFirst, none.Status.Detail);

        var secretariat = await server.SecretariatAsync();
        var token = secretariat.Session!.BearerToken;
        var tampered = token[..^2] + (token[^2] == 'A' ? "BA" : "AA");
        foreach (var header in new[] { "Bearer " + tampered, "Bearer not-a-token", "Basic YWRtaW46cGFzc3dvcmQ=", token })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => secretariat.Raw.UnaryAsync<GetMemberCityRequest, GetMemberCityResponse>(
                "/wego.assembly.v1.MembershipService/GetMemberCity", new() { MemberCityId = "seoul" },
                new CallSettings(Headers: new Dictionary<string, string> { ["authorization"] = header })));
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
            Assert.Contains("sign in", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_secretariat_creates_a_logistics_account_that_reads_the_register_but_cannot_change_it()
    {
        var secretariat = await server.SecretariatAsync();
        var created = await secretariat.UpsertStaffAccount(Staff("Bus.Lead_1", "배차 담당 Dispatch", UserRole.Logistics), LogisticsPassword);
        Assert.True(created.Created);
        Assert.Equal("bus.lead_1", created.Account.UserName);

        var logistics = await server.StaffAsync("bus.lead_1", LogisticsPassword);

        Assert.Equal([UserRole.Logistics], logistics.Session!.Roles);
        Assert.Equal("서울", (await logistics.GetMemberCity("seoul")).NameLocal);
        var denied = await Assert.ThrowsAsync<RpcException>(() => logistics.RecordDuesPayment("seoul", 2030));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("needs the Secretariat role", denied.Status.Detail);
        Assert.Contains("staff:bus.lead_1", denied.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() =>
            logistics.ListStaffAccounts(new()))).StatusCode);
        Assert.NotEqual(2030, (await secretariat.GetMemberCity("seoul")).DuesPaidThroughYear);
    }

    [Fact]
    public async Task An_update_without_a_password_keeps_it_and_a_disabled_account_loses_its_token_within_seconds()
    {
        var secretariat = await server.SecretariatAsync();
        await secretariat.UpsertStaffAccount(Staff("dispatch", "Dispatch", UserRole.Logistics), LogisticsPassword);

        var renamed = await secretariat.UpsertStaffAccount(Staff("dispatch", "Dispatch desk", UserRole.Logistics, UserRole.Secretariat));
        Assert.False(renamed.Created);
        var beforeDisabling = await server.StaffAsync("dispatch", LogisticsPassword);
        Assert.Equal([UserRole.Secretariat, UserRole.Logistics], beforeDisabling.Session!.Roles);
        Assert.NotEmpty((await beforeDisabling.ListStaffAccounts(new())).Accounts);

        // A role taken away is taken from the running token too.
        await secretariat.UpsertStaffAccount(Staff("dispatch", "Dispatch desk", UserRole.Logistics));
        var denied = await RefusedWithinSeconds(() => beforeDisabling.ListStaffAccounts(new()));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal("seoul", (await beforeDisabling.GetMemberCity("seoul")).Id);

        var disabled = Staff("dispatch", "Dispatch desk", UserRole.Logistics);
        disabled.Disabled = true;
        await secretariat.UpsertStaffAccount(disabled);

        var refused = await Assert.ThrowsAsync<RpcException>(() => server.StaffAsync("dispatch", LogisticsPassword));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("disabled", refused.Status.Detail);
        var ended = await RefusedWithinSeconds(() => beforeDisabling.GetMemberCity("seoul"));
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Equal("This account is disabled; ask the secretariat to enable it.", ended.Status.Detail);
    }

    /// <summary>
    /// Calls until the call is refused; fails if that takes longer than a few seconds (a change stored through this
    /// node applies at the next call; the allowance is for a loaded machine).
    /// </summary>
    internal static async Task<RpcException> RefusedWithinSeconds(Func<Task> call)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await call();
            }
            catch (RpcException e)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"Refused only after {clock.Elapsed}.");
                return e;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"Still allowed after {clock.Elapsed}.");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Staff_accounts_are_listed_in_user_name_order_a_page_at_a_time_without_passwords()
    {
        var secretariat = await server.SecretariatAsync();
        foreach (var name in new[] { "zeta", "k.lee", "m_park" })
            await secretariat.UpsertStaffAccount(Staff(name, name, UserRole.Logistics), LogisticsPassword);

        var names = new List<string>();
        var token = "";
        do
        {
            var page = await secretariat.ListStaffAccounts(new() { PageSize = 1, PageToken = token });
            Assert.True(page.Accounts.Count <= 1);
            names.AddRange(page.Accounts.Select(a => a.UserName));
            token = page.NextPageToken;
        } while (token.Length > 0);

        Assert.Equal(["admin", "k.lee", "m_park", "zeta"], names);
        var bad = await Assert.ThrowsAsync<RpcException>(() => secretariat.ListStaffAccounts(new() { PageToken = "%%%" }));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }

    public static TheoryData<string, StaffAccount?, string, string> BadAccounts => new()
    {
        { "no account", null, LogisticsPassword, "account" },
        { "password of 11 characters", Staff("newbie", "Newbie", UserRole.Logistics), "short-11-ch", "12 to 200" },
        { "password of 201 characters", Staff("newbie", "Newbie", UserRole.Logistics), new string('p', 201), "12 to 200" },
        { "no password on creation", Staff("newbie", "Newbie", UserRole.Logistics), "", "password is required" },
        { "participant role", Staff("newbie", "Newbie", UserRole.Participant), LogisticsPassword, "Participant is refused" },
        { "no role", Staff("newbie", "Newbie"), LogisticsPassword, "at least one" },
        { "user name with a space", Staff("new bie", "Newbie", UserRole.Logistics), LogisticsPassword, "user_name" },
        { "user name in Hangul", Staff("관리자", "Newbie", UserRole.Logistics), LogisticsPassword, "ASCII" },
        { "65-character user name", Staff(new string('a', 65), "Newbie", UserRole.Logistics), LogisticsPassword, "1 to 64" },
        { "empty display name", Staff("newbie", " ", UserRole.Logistics), LogisticsPassword, "display_name is required" },
    };

    [Theory]
    [MemberData(nameof(BadAccounts))]
    public async Task A_bad_staff_account_is_INVALID_ARGUMENT_and_stores_nothing(string _, StaffAccount? account, string password, string expected)
    {
        var secretariat = await server.SecretariatAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => secretariat.UpsertStaffAccount(account!, password));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Status.Detail);
        Assert.Equal(["admin"], (await secretariat.ListStaffAccounts(new())).Accounts.Select(a => a.UserName));
    }

    [Fact]
    public async Task The_secretariat_cannot_disable_itself_or_drop_its_own_secretariat_role()
    {
        var secretariat = await server.SecretariatAsync();
        var selfDisabled = Staff("admin", "Administrator", UserRole.Secretariat);
        selfDisabled.Disabled = true;

        foreach (var change in new[] { selfDisabled, Staff("admin", "Administrator", UserRole.Logistics) })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => secretariat.UpsertStaffAccount(change));
            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        }
        Assert.Equal([UserRole.Secretariat], (await server.StaffAsync("admin", WeGoServer.AdminPassword)).Session!.Roles);
    }

    [Fact]
    public async Task A_participant_redeems_an_access_code_typed_loosely_and_a_revoked_or_unknown_code_is_UNAUTHENTICATED()
    {
        var code = await server.IssueAccessCodeAsync(SeoulDelegate);

        var participant = await server.ParticipantAsync("  " + code.ToLowerInvariant().Replace("-", " ") + " ");

        var session = participant.Session!;
        Assert.Equal([UserRole.Participant], session.Roles);
        Assert.Equal(("p-seoul-1", "ga-2023", "seoul", "김민지 Kim Min-ji"),
            (session.ParticipantId, session.AssemblyId, session.MemberCityId, session.DisplayName));
        Assert.Equal("Seoul", (await participant.GetMemberCity("seoul")).NameEn);
        var denied = await Assert.ThrowsAsync<RpcException>(() => participant.RecordDuesPayment("seoul", 2030));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("participant:p-seoul-1", denied.Status.Detail);

        await server.Services.GetRequiredService<IGrainFactory>().GetGrain<IAccessCodeGrain>(AccessCodes.KeyOf(code)).RevokeAsync("test");
        var ended = await RefusedWithinSeconds(() => participant.GetMemberCity("seoul"));
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Contains("access code was revoked", ended.Status.Detail);
        foreach (var wrong in new[] { code, AccessCodes.New().Code, "", new string('A', 10_000) })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => server.ParticipantAsync(wrong));
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
            Assert.Contains("access code is not valid", error.Status.Detail);
        }
    }

    [Fact]
    public async Task A_rejected_participant_loses_access_within_seconds()
    {
        var secretariat = await server.SecretariatAsync();
        var registered = await secretariat.Register("ga-2023", "busan", "Late registrant", ParticipantRole.Observer, familyName: "Rejected");
        var participant = await server.ParticipantAsync(registered.AccessCode);
        Assert.Equal("busan", (await participant.GetMemberCity("busan")).Id);

        await secretariat.Review(registered.Participant.Id, AccreditationDecision.Reject, "Not on the credentials letter.");

        var ended = await RefusedWithinSeconds(() => participant.GetMemberCity("busan"));
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Contains("accreditation was rejected", ended.Status.Detail);
    }

    [Fact]
    public async Task Passwords_and_access_codes_are_never_stored_in_clear()
    {
        var secretariat = await server.SecretariatAsync();
        await secretariat.UpsertStaffAccount(Staff("dispatch", "Dispatch", UserRole.Logistics), LogisticsPassword);
        await server.StaffAsync("dispatch", LogisticsPassword);
        var code = await server.IssueAccessCodeAsync(SeoulDelegate);
        await server.ParticipantAsync(code);

        var stored = await StoredPayloadsAsync();

        var staffStates = stored.Where(s => s.Type == StaffAccountGrain.StateName).Select(s => s.Payload).ToArray();
        Assert.Equal(2, staffStates.Length);
        Assert.All(staffStates, payload => Assert.Contains("\"passwordHash\":\"AQAAAA", payload.Replace(" ", "")));   // Identity v3 hash format
        var codeNormalised = code.Replace("-", "");
        Assert.All(stored, s =>
        {
            Assert.DoesNotContain(WeGoServer.AdminPassword, s.Payload);
            Assert.DoesNotContain(LogisticsPassword, s.Payload);
            Assert.DoesNotContain(code, s.Payload);
            Assert.DoesNotContain(codeNormalised, s.Payload);
        });
        Assert.Contains(stored, s => s.Type == AccessCodeGrain.StateName && s.Key == AccessCodes.KeyOf(code));
    }

    [Fact]
    public async Task Tokens_outlive_a_restart_because_the_signing_key_is_stored()
    {
        var token = (await server.SecretariatAsync()).Session!;

        await server.DisposeAsync();
        server = await WeGoServer.StartAsync(settings);
        var sameToken = new SampleApi(server.Anonymous.Raw, token);

        Assert.Equal("seoul", (await sameToken.GetMemberCity("seoul")).Id);
    }

    [Fact]
    public async Task A_second_node_on_the_same_database_accepts_the_first_nodes_tokens()
    {
        var token = (await server.SecretariatAsync()).Session!;
        // The first node stops before the second starts: until nodes form one cluster, a node that takes over retires
        // the other's silo, and a retired silo that is still running stops its whole process.
        await server.DisposeAsync();
        server = await WeGoServer.StartAsync(settings);

        var onSecond = new SampleApi(server.Anonymous.Raw, token);

        Assert.Equal("seoul", (await onSecond.GetMemberCity("seoul")).Id);
    }

    [Fact]
    public async Task The_first_administrator_is_created_only_while_no_staff_account_exists()
    {
        await server.DisposeAsync();
        server = await WeGoServer.StartAsync(new Dictionary<string, string?>(settings) { ["Auth:InitialAdmin:Password"] = "a different first password" });

        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() =>
            server.StaffAsync("admin", "a different first password"))).StatusCode);
        Assert.NotNull((await server.StaffAsync("admin", WeGoServer.AdminPassword)).Session);
    }

    private async Task<List<(string Type, string Key, string Payload)>> StoredPayloadsAsync()
    {
        var rows = new List<(string, string, string)>();
        var connections = server.Services.GetRequiredService<IDbConnectionFactory>();
        await using var connection = await connections.OpenAsync();
        await using var command = connection.CreateCommand();
        // Grain states (Orleans' table, JSON payloads) and the projections made from them.
        var payload = connections.Info.Provider == StorageProvider.Postgres ? "convert_from(payloadbinary, 'UTF8')" : "CAST(PayloadBinary AS TEXT)";
        command.CommandText = $"""
            SELECT GrainTypeString, GrainIdExtensionString, {payload} FROM OrleansStorage WHERE PayloadBinary IS NOT NULL
            UNION ALL SELECT kind, key, json FROM projection
            """;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return rows;
    }

    internal static StaffAccount Staff(string userName, string displayName, params UserRole[] roles)
    {
        var account = new StaffAccount { UserName = userName, DisplayName = displayName };
        account.Roles.AddRange(roles);
        return account;
    }
}

public sealed class SqliteAuthEndToEndTests : AuthEndToEndTests
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
public sealed class PostgresAuthEndToEndTests(PostgresCluster cluster) : AuthEndToEndTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}
