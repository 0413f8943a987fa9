using System.Data.Common;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SmtpServer.Protocol;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Storage;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// E-mail notifications through the real host, its Hangfire jobs and MailKit, to a real SMTP server in the test process
/// (<see cref="SmtpInbox"/>): what arrives, in whose language, with which links; the server down and back, across a
/// restart of ours; a refusal; no mail server at all. One database engine per subclass.
/// </summary>
public abstract class MailDeliveryTests : IAsyncLifetime
{
    private const string Ga = "ga-2023", Site = "http://ga.wego.test";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly SmtpInbox inbox = new();
    private IReadOnlyDictionary<string, string?> database = null!;
    private WeGoServer? server;

    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => database = await FreshDatabaseAsync();

    public async Task DisposeAsync()
    {
        if (server is not null)
            await server.DisposeAsync();
        await inbox.DisposeAsync();
        await CleanUpAsync();
    }

    private async Task<WeGoServer> StartAsync(bool withMail = true)
    {
        var settings = new Dictionary<string, string?>(database)
        {
            ["Jobs:PollInterval"] = "00:00:00.200",
            ["Jobs:RetryDelay"] = "00:00:01",
        };
        if (withMail)
            foreach (var (key, value) in inbox.MailSettings(new Uri(Site)))
                settings[key] = value;
        return server = await WeGoServer.StartAsync(settings);
    }

    private static RegisterParticipantRequest Person(string givenName, string familyName, string language, string email) => new()
    {
        AssemblyId = Ga, MemberCityId = "seoul", GivenName = givenName, FamilyName = familyName, Email = email,
        Role = ParticipantRole.Observer, Language = language,
    };

    private static string Unique(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}@seoul.wego.test";

    [Fact]
    public async Task Registration_decision_and_badge_mails_arrive_in_each_participants_language_with_working_links()
    {
        await inbox.StartAsync();
        await StartAsync();
        var secretariat = await server!.SecretariatAsync();
        var (minjunEmail, anaEmail) = (Unique("minjun"), Unique("ana"));

        var minjun = await secretariat.RegisterParticipant(Person("민준", "김", "ko", minjunEmail));
        var ana = await secretariat.RegisterParticipant(Person("Ana", "Pérez", "en", anaEmail));

        var korean = await inbox.ForAsync(minjunEmail, Patience);
        Assert.EndsWith(" 접속 코드", korean.Subject);
        Assert.Equal("ko", korean.Body!.Headers["Content-Language"]);
        Assert.Equal("ga@wego.test", korean.From.Mailboxes.Single().Address);
        Assert.Equal("민준 김", korean.To.Mailboxes.Single().Name);
        Assert.Contains($"개인 접속 코드: {minjun.AccessCode}", korean.TextBody);
        Assert.Contains($"{Site}/signin", korean.TextBody);
        var english = await inbox.ForAsync(anaEmail, Patience);
        Assert.StartsWith("Your access code for ", english.Subject);
        Assert.Equal("en", english.Body!.Headers["Content-Language"]);
        Assert.Contains($"Your personal access code: {ana.AccessCode}", english.TextBody);
        Assert.Contains("Dear Ana Pérez,", english.TextBody);
        // The link leads to the sign-in page of this site, where the code is typed.
        using (var web = new HttpClient { BaseAddress = server.WebAddress })
            Assert.Contains("access-code", await web.GetStringAsync(new Uri($"{Site}/signin").PathAndQuery));
        // The code works: it signs the person in.
        Assert.Equal(minjun.Participant.Id, (await server.Anonymous.RedeemAccessCode(minjun.AccessCode)).ParticipantId);

        await secretariat.SubmitCredentials(Ga, "seoul", AccreditationCalls.Pdf, "credentials.pdf");
        await secretariat.Review(minjun.Participant.Id, AccreditationDecision.Approve);
        await secretariat.Review(ana.Participant.Id, AccreditationDecision.Reject, "Not named in the credentials letter.");
        var badge = await secretariat.IssueBadge(minjun.Participant.Id);

        // Jobs run side by side, so messages may arrive in any order.
        var minjunMail = await AllAsync(minjunEmail, 3);
        Assert.Single(minjunMail, m => (m.Subject ?? "").EndsWith("참가 등록이 승인되었습니다", StringComparison.Ordinal));
        var rejected = (await AllAsync(anaEmail, 2)).Single(m => (m.Subject ?? "").Contains("was not approved", StringComparison.Ordinal));
        Assert.Contains("Reason: Not named in the credentials letter.", rejected.TextBody);
        var badgeReady = minjunMail.Single(m => (m.Subject ?? "").EndsWith("출입증이 준비되었습니다", StringComparison.Ordinal));
        Assert.Contains(badge.BadgeNumber, badgeReady.TextBody);
        Assert.Contains($"{Site}/badge", badgeReady.TextBody);

        // The delivery log: every message sent, once; the access code is nowhere in it. A message is in the inbox a
        // moment before its job records it sent.
        var log = await secretariat.ListNotifications(new() { Recipient = minjunEmail });
        for (var wait = System.Diagnostics.Stopwatch.StartNew(); log.Notifications.Any(n => n.Status != NotificationStatus.Sent) && wait.Elapsed < TimeSpan.FromSeconds(30);)
        {
            await Task.Delay(50);
            log = await secretariat.ListNotifications(new() { Recipient = minjunEmail });
        }
        Assert.Equal(["access-code", "accreditation-approved", "badge-ready"], log.Notifications.Select(n => n.Kind).Reverse());
        Assert.All(log.Notifications, n => Assert.Equal(NotificationStatus.Sent, n.Status));
        Assert.All(log.Notifications, n => Assert.Equal(1, n.Attempts));
        Assert.Contains("{access-code}", log.Notifications[^1].Body);
        Assert.Equal(0, await CountRowsAsync($"SELECT COUNT(*) FROM notification WHERE body LIKE '%{minjun.AccessCode}%' OR secret IS NOT NULL"));
        Assert.Equal(3, inbox.CountFor(minjunEmail));
        Assert.Equal(2, inbox.CountFor(anaEmail));

        // A second decision is news too: approved after all, Ana hears of it.
        await secretariat.Review(ana.Participant.Id, AccreditationDecision.Approve);
        Assert.Single(await AllAsync(anaEmail, 3), m => (m.Subject ?? "").Contains("is approved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_the_cut_off_a_seat_and_a_waitlist_place_are_mailed_and_a_seat_from_the_waitlist_follows()
    {
        await inbox.StartAsync();
        await StartAsync();
        var secretariat = await server!.SecretariatAsync();
        var visit = await secretariat.CreateSiteVisit(LogisticsCalls.Visit(Ga, "Cheonggyecheon", capacity: 1, startHour: 14, ("bus-1", 1)));
        await secretariat.SubmitCredentials(Ga, "seoul", AccreditationCalls.Pdf, "credentials.pdf");
        var (seatedEmail, waitingEmail) = (Unique("seated"), Unique("waiting"));
        var seated = (await secretariat.RegisterParticipant(Person("Seated", "First", "en", seatedEmail))).Participant.Id;
        var waiting = (await secretariat.RegisterParticipant(Person("대기", "박", "ko", waitingEmail))).Participant.Id;
        foreach (var id in new[] { seated, waiting })
        {
            await secretariat.Review(id, AccreditationDecision.Approve);
            await secretariat.SubmitPreferences(id, visit.Id);
            await Task.Delay(20);   // the earlier submission wins the tie
        }
        // Before the cut-off an assignment run is a preview: nobody is told.
        await secretariat.RunAssignment(Ga);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(inbox.Received, m => (m.TextBody ?? "").Contains("2023-09-07 14:00 (Asia/Seoul)", StringComparison.Ordinal));

        await secretariat.SetPreferencesCutoff(Ga, DateTimeOffset.UtcNow.AddSeconds(1));
        var visitMail = new Dictionary<string, MimeMessage>();
        foreach (var email in new[] { seatedEmail, waitingEmail })
            visitMail[email] = (await AllAsync(email, 3)).Single(m => (m.TextBody ?? "").Contains("2023-09-07 14:00 (Asia/Seoul)", StringComparison.Ordinal));
        var placements = (await secretariat.GetAssignment(Ga)).Placements.ToDictionary(p => p.ParticipantId);
        var holder = placements.Values.Single(p => p.Status == PlacementStatus.Assigned).ParticipantId;
        var (holderEmail, waiterEmail) = holder == seated ? (seatedEmail, waitingEmail) : (waitingEmail, seatedEmail);
        Assert.Contains("Seoul City Hall, west gate", visitMail[holderEmail].TextBody);
        Assert.Contains("bus-1", visitMail[holderEmail].TextBody);
        Assert.Equal("site-visit-assigned", (await secretariat.ListNotifications(new() { Recipient = holderEmail })).Notifications[0].Kind);
        Assert.Equal("site-visit-waitlisted", (await secretariat.ListNotifications(new() { Recipient = waiterEmail })).Notifications[0].Kind);

        // The seat holder drops out: the waitlist moves up, and the new holder hears of it once.
        await secretariat.MoveParticipant(new() { ParticipantId = holder, FromSiteVisitId = visit.Id, Reason = "Cannot come" });
        var promoted = (await AllAsync(waiterEmail, 4)).Where(m => (m.TextBody ?? "").Contains("2023-09-07 14:00 (Asia/Seoul)", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, promoted.Length);
        Assert.Equal("site-visit-promoted", (await secretariat.ListNotifications(new() { Recipient = waiterEmail })).Notifications[0].Kind);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(4, inbox.CountFor(waiterEmail));   // access code, approval, waitlist, seat: nothing twice
        Assert.Equal(3, inbox.CountFor(holderEmail));
    }

    [Fact]
    public async Task A_ballot_reminder_goes_to_the_voters_of_members_that_have_not_voted_only()
    {
        const string ga = "remind-2023", voting = "/wego.assembly.v1.VotingService/";
        await inbox.StartAsync();
        await StartAsync();
        var secretariat = await server!.SecretariatAsync();
        await secretariat.CreateAssembly(new Assembly
        {
            Id = ga, Title = "WeGO General Assembly (reminders)", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul",
            Rules = new AssemblyRules { Quorum = new() { Numerator = 1, Denominator = 20 } },
        });
        var voters = new Dictionary<string, IssueBadgeResponse>();
        foreach (var city in new[] { "seoul", "busan", "daegu" })
        {
            voters[city] = await secretariat.BadgedAsync(ga, city);
            await secretariat.CheckIn(voters[city].QrSecret);
        }
        var item = (await secretariat.Unary<CreateAgendaItemRequest, CreateAgendaItemResponse>("/wego.assembly.v1.AgendaService/CreateAgendaItem", new()
        {
            AgendaItem = new() { AssemblyId = ga, Number = "1", TitleEn = "Budget", TitleKo = "예산", Kind = AgendaItemKind.Decision },
        })).AgendaItem.Id;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(8);
        var ballot = (await secretariat.Unary<CreateBallotRequest, CreateBallotResponse>(voting + "CreateBallot", new()
        {
            Ballot = new()
            {
                AgendaItemId = item, QuestionEn = "Adopt the 2024 budget?", QuestionKo = "2024년 예산을 채택합니까?", Kind = BallotKind.Motion,
                MajorityRule = MajorityRule.SimpleMajorityOfVotesCast, Method = BallotMethod.Secret,
                Deadline = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(deadline),
                RemindBefore = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(5)),
            },
        })).Ballot;
        Assert.Equal(TimeSpan.FromSeconds(5), ballot.RemindBefore.ToTimeSpan());
        // A reminder with no deadline would never go: opening such a ballot is refused, saying so.
        var noDeadline = (await secretariat.Unary<CreateBallotRequest, CreateBallotResponse>(voting + "CreateBallot", new()
        {
            Ballot = new()
            {
                AgendaItemId = item, QuestionEn = "Adopt the minutes?", Kind = BallotKind.Motion, MajorityRule = MajorityRule.SimpleMajorityOfVotesCast,
                Method = BallotMethod.Secret, RemindBefore = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(5)),
            },
        })).Ballot;
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            secretariat.Unary<OpenBallotRequest, OpenBallotResponse>(voting + "OpenBallot", new() { BallotId = noDeadline.Id }));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("give a deadline", refused.Status.Detail);
        await secretariat.Unary<OpenBallotRequest, OpenBallotResponse>(voting + "OpenBallot", new() { BallotId = ballot.Id });
        var seoul = voters["seoul"].Participant;
        var seoulApi = await server.ParticipantAsync(await server.IssueAccessCodeAsync(new(seoul.Id, ga, "seoul", seoul.GivenName)));
        await seoulApi.Unary<CastVoteRequest, CastVoteResponse>(voting + "CastVote", new()
        {
            BallotId = ballot.Id, MemberCityId = "seoul", MotionChoice = MotionChoice.Yes, IdempotencyKey = Guid.NewGuid().ToString(),
        });

        foreach (var city in new[] { "busan", "daegu" })
        {
            var reminder = (await AllAsync(voters[city].Participant.Email, 4)).Single(m => (m.Subject ?? "").StartsWith("Reminder:", StringComparison.Ordinal));
            Assert.Contains("Adopt the 2024 budget?", reminder.TextBody);
            Assert.Contains(TimeZoneInfo.ConvertTime(deadline, TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul")).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), reminder.TextBody);
        }
        // Seoul voted: its delegate hears nothing more than registration, approval and badge.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(inbox.Received, m => m.To.Mailboxes.Any(b => b.Address == seoul.Email) && (m.Subject ?? "").StartsWith("Reminder:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mail_server_that_is_down_is_retried_and_the_message_sent_once_when_it_is_back_also_across_a_restart_of_ours()
    {
        await StartAsync();   // the inbox is not running: nothing listens on its port
        var email = Unique("down");
        var registered = await (await server!.SecretariatAsync()).RegisterParticipant(Person("Jae", "Lee", "en", email));

        var failed = await WaitForAsync(email, n => n.Status == NotificationStatus.Failed);
        Assert.Contains($"Could not reach the mail server 127.0.0.1:{inbox.Port}", failed.LastError);

        // Our server restarts while the mail server is still down; the queue is kept, and so is the sealed code.
        await server.DisposeAsync();
        server = null;
        await StartAsync();
        await inbox.StartAsync();

        var message = await inbox.ForAsync(email, Patience);
        Assert.Contains(registered.AccessCode, message.TextBody);
        var sent = await WaitForAsync(email, n => n.Status == NotificationStatus.Sent);
        Assert.True(sent.Attempts >= 2, $"sent after {sent.Attempts} attempt(s); the first should have failed");
        var history = await (await server!.SecretariatAsync()).GetNotification(new() { Id = sent.Id });
        Assert.Equal("queued", history.Events[0].What);
        Assert.Contains(history.Events, e => e.What == "failed" && e.Detail.Contains("Could not reach the mail server"));
        Assert.Equal("sent", history.Events[^1].What);
        // A while later, still one copy: nothing was sent twice.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1, inbox.CountFor(email));
    }

    [Fact]
    public async Task A_refusal_is_logged_with_the_servers_reason_and_not_retried()
    {
        await inbox.StartAsync();
        inbox.Refusal = new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "5.1.1 No such mailbox here");
        await StartAsync();
        var email = Unique("refused");
        await (await server!.SecretariatAsync()).RegisterParticipant(Person("Refused", "Person", "en", email));

        var failed = await WaitForAsync(email, n => n.Status == NotificationStatus.Failed);
        Assert.Contains("550", failed.LastError);
        Assert.Contains("No such mailbox here", failed.LastError);
        await Task.Delay(TimeSpan.FromSeconds(3));   // three retry delays' worth: no second attempt
        Assert.Equal(1, (await WaitForAsync(email, _ => true)).Attempts);
        Assert.Empty(inbox.Received);
    }

    [Fact]
    public async Task Without_a_mail_server_messages_are_held_for_the_secretariat_and_a_resend_says_why_not()
    {
        await StartAsync(withMail: false);
        var email = Unique("held");
        var secretariat = await server!.SecretariatAsync();
        await secretariat.RegisterParticipant(Person("Held", "Person", "ko", email));

        var held = await WaitForAsync(email, n => n.Status == NotificationStatus.Held);
        Assert.Equal(0, held.Attempts);
        Assert.Contains("접속 코드", held.Subject);
        var refusal = await Assert.ThrowsAsync<RpcException>(() => secretariat.ResendNotification(new() { Id = held.Id }));
        Assert.Equal(StatusCode.FailedPrecondition, refusal.StatusCode);
        Assert.Contains("No mail server is configured (Mail:Host)", refusal.Status.Detail);
        Assert.Equal(NotificationStatus.Held, (await WaitForAsync(email, _ => true)).Status);
    }

    /// <summary>The messages received for the address, once there are <paramref name="count"/>.</summary>
    private async Task<IReadOnlyList<MimeMessage>> AllAsync(string address, int count)
    {
        var until = DateTime.UtcNow + Patience;
        while (inbox.CountFor(address) < count && DateTime.UtcNow < until)
            await Task.Delay(100);
        return [.. inbox.Received.Where(m => m.To.Mailboxes.Any(b => b.Address == address))];
    }

    /// <summary>The recipient's one message in the delivery log, once it satisfies <paramref name="condition"/>.</summary>
    private async Task<Notification> WaitForAsync(string email, Func<Notification, bool> condition)
    {
        var secretariat = await server!.SecretariatAsync();
        var until = DateTime.UtcNow + Patience;
        while (true)
        {
            var found = (await secretariat.ListNotifications(new() { Recipient = email })).Notifications.SingleOrDefault();
            if (found is not null && condition(found))
                return found;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"The message to {email} did not reach the expected state; it is {found?.Status} ({found?.LastError}).");
            await Task.Delay(100);
        }
    }

    private async Task<long> CountRowsAsync(string sql)
    {
        await using var connection = await server!.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class SqliteMailDeliveryTests : MailDeliveryTests
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
public sealed class PostgresMailDeliveryTests(PostgresCluster cluster) : MailDeliveryTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };

    // A node killed while registering the sweep leaves Hangfire.PostgreSql's lock row behind (CI once saw the next
    // start-up fail on it). A fresh one must not stop a node from starting; one older than a minute is taken over.
    [Fact]
    public async Task A_lock_left_by_a_killed_node_neither_stops_start_up_nor_holds_the_sweep_for_long()
    {
        const string Lock = "hangfire:lock:recurring-job:" + Notifications.MailSweepJob.Id;
        var connectionString = (await FreshDatabaseAsync())["ConnectionStrings:Postgres"]!;
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = connectionString };
        await (await WeGoServer.StartAsync(settings)).DisposeAsync();   // Hangfire installs its schema
        await using var database = new Npgsql.NpgsqlConnection(connectionString);
        await database.OpenAsync();
        async Task<long> ExecuteAsync(string sql)
        {
            await using var command = new Npgsql.NpgsqlCommand(sql, database);
            command.Parameters.AddWithValue("resource", Lock);
            return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        }

        await ExecuteAsync("INSERT INTO hangfire.lock (resource, acquired) VALUES (@resource, now() at time zone 'utc')");
        await using (var held = await WeGoServer.StartAsync(settings))
            Assert.NotEmpty((await (await held.SecretariatAsync()).ListAssemblies(new ListAssembliesRequest())).Assemblies);   // it serves
        Assert.Equal(1, await ExecuteAsync("SELECT count(*) FROM hangfire.lock WHERE resource = @resource"));

        await ExecuteAsync("UPDATE hangfire.lock SET acquired = acquired - interval '2 minutes' WHERE resource = @resource");
        await using var server = await WeGoServer.StartAsync(settings);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await ExecuteAsync("SELECT count(*) FROM hangfire.lock WHERE resource = @resource") > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Equal(0, await ExecuteAsync("SELECT count(*) FROM hangfire.lock WHERE resource = @resource"));
    }
}

/// <summary>Typed NotificationService calls as one signed-in caller.</summary>
public static class NotificationCalls
{
    private const string Service = "/wego.assembly.v1.NotificationService/";

    public static Task<ListNotificationsResponse> ListNotifications(this SampleApi api, ListNotificationsRequest request) =>
        api.Unary<ListNotificationsRequest, ListNotificationsResponse>(Service + "ListNotifications", request);

    public static Task<GetNotificationResponse> GetNotification(this SampleApi api, GetNotificationRequest request) =>
        api.Unary<GetNotificationRequest, GetNotificationResponse>(Service + "GetNotification", request);

    public static Task<ResendNotificationResponse> ResendNotification(this SampleApi api, ResendNotificationRequest request) =>
        api.Unary<ResendNotificationRequest, ResendNotificationResponse>(Service + "ResendNotification", request);
}
