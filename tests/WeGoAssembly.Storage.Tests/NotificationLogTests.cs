using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Storage.Notifications;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Storage.Tests;

/// <summary>The e-mail delivery log on every engine: queued once per event, attempts recorded, secrets erased once sent.</summary>
public abstract class NotificationLogTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private ServiceProvider services = null!;

    private NotificationLog Log => services.GetRequiredService<NotificationLog>();

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        database = await CreateDatabaseAsync();
        services = await database.CreateServicesAsync();
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    private static NotificationDraft Draft(string key, string name = "Kim Min-jun", string email = "minjun@seoul.go.kr", byte[]? secret = null) =>
        new(key, "ga-2027", "ga-2027.seoul.p1", "access-code", "ko", name, email, "WeGO 총회 접속 코드", "코드: {access-code}", secret);

    [Fact]
    public async Task The_same_event_is_queued_once()
    {
        var first = await Log.QueueAsync(Draft("access-code:ga-2027.seoul.p1"), NotificationStatus.Queued);
        var again = await Log.QueueAsync(Draft("access-code:ga-2027.seoul.p1", name: "someone else"), NotificationStatus.Queued);

        Assert.NotNull(first);
        Assert.Null(again);
        var listed = Assert.Single(await Log.ListAsync(new(), null, 10));
        Assert.Equal("Kim Min-jun", listed.RecipientName);
        Assert.Equal(NotificationStatus.Queued, listed.Status);
        Assert.Equal(["queued"], (await Log.EventsAsync(first.Value)).Select(e => e.What));
    }

    [Fact]
    public async Task Messages_queued_at_once_share_transactions_and_a_key_queued_twice_is_one_message()
    {
        var keys = Enumerable.Range(0, 200).Select(i => $"burst-{i}").Append("burst-7").ToArray();
        var ids = await Task.WhenAll(keys.Select(k => Log.QueueAsync(Draft(k), k.EndsWith('3') ? NotificationStatus.Held : NotificationStatus.Queued)));

        Assert.Equal(200, ids.Count(id => id is not null));
        Assert.Single(ids.Select((id, i) => (id, keys[i])), x => x.Item2 == "burst-7" && x.id is null);
        Assert.Equal(200, ids.OfType<long>().Distinct().Count());
        var listed = await Log.ListAsync(new(), null, 500);
        Assert.Equal(200, listed.Count);
        Assert.Equal(20, listed.Count(e => e.Status == NotificationStatus.Held));
        foreach (var id in ids.OfType<long>().Take(5))
            Assert.Single(await Log.EventsAsync(id));
    }

    [Fact]
    public async Task A_failed_attempt_keeps_the_servers_reason_and_a_later_success_erases_the_secret()
    {
        var id = (await Log.QueueAsync(Draft("k1", secret: [1, 2, 3]), NotificationStatus.Queued))!.Value;
        Assert.Equal([1, 2, 3], await Log.GetSecretAsync(id));
        Assert.True((await Log.GetAsync(id))!.HoldsSecret);

        await Log.RecordFailedAsync(id, "421 4.3.2 Service not available, closing transmission channel");
        var failed = (await Log.GetAsync(id))!;
        Assert.Equal(NotificationStatus.Failed, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("421 4.3.2", failed.LastError);
        Assert.Null(failed.SentAt);

        await Log.RecordSentAsync(id, "250 2.0.0 queued as 7F3A");
        var sent = (await Log.GetAsync(id))!;
        Assert.Equal(NotificationStatus.Sent, sent.Status);
        Assert.Equal(2, sent.Attempts);
        Assert.Equal("", sent.LastError);
        Assert.NotNull(sent.SentAt);
        Assert.False(sent.HoldsSecret);
        Assert.Null(await Log.GetSecretAsync(id));
        Assert.Equal(["queued", "failed", "sent"], (await Log.EventsAsync(id)).Select(e => e.What));
        Assert.Equal("250 2.0.0 queued as 7F3A", (await Log.EventsAsync(id))[^1].Detail);
    }

    [Fact]
    public async Task Messages_are_filtered_by_status_kind_and_part_of_the_recipient_taken_literally()
    {
        var a = (await Log.QueueAsync(Draft("a", name: "Kim Min-jun", email: "minjun@seoul.go.kr"), NotificationStatus.Queued))!.Value;
        var b = (await Log.QueueAsync(Draft("b", name: "Ana Pérez", email: "ana_perez@madrid.es"), NotificationStatus.Held))!.Value;
        await Log.RecordFailedAsync(a, "550 mailbox unavailable");

        Assert.Equal([b, a], (await Log.ListAsync(new(), null, 10)).Select(e => e.Id));
        Assert.Equal([a], (await Log.ListAsync(new(Status: NotificationStatus.Failed), null, 10)).Select(e => e.Id));
        Assert.Equal([b], (await Log.ListAsync(new(Status: NotificationStatus.Held), null, 10)).Select(e => e.Id));
        Assert.Equal([b], (await Log.ListAsync(new(Recipient: "PÉREZ"), null, 10)).Select(e => e.Id));
        Assert.Equal([b], (await Log.ListAsync(new(Recipient: "a_p"), null, 10)).Select(e => e.Id));   // "_" is not a wildcard
        Assert.Empty(await Log.ListAsync(new(Recipient: "%"), null, 10));
        Assert.Equal([a], (await Log.ListAsync(new(Recipient: "SEOUL.GO"), null, 10)).Select(e => e.Id));
        Assert.Empty(await Log.ListAsync(new(Kind: "badge-ready"), null, 10));
        Assert.Empty(await Log.ListAsync(new(AssemblyId: "ga-2028"), null, 10));
        Assert.Equal([a], (await Log.ListAsync(new(), b, 10)).Select(e => e.Id));   // the next page
    }

    [Fact]
    public async Task Only_messages_still_queued_are_found_waiting()
    {
        var queued = (await Log.QueueAsync(Draft("w1"), NotificationStatus.Queued))!.Value;
        var sent = (await Log.QueueAsync(Draft("w2"), NotificationStatus.Queued))!.Value;
        var held = (await Log.QueueAsync(Draft("w3"), NotificationStatus.Held))!.Value;
        var failed = (await Log.QueueAsync(Draft("w4"), NotificationStatus.Queued))!.Value;
        await Log.RecordSentAsync(sent, "250 ok");
        await Log.RecordFailedAsync(failed, "421 later");

        Assert.Empty(await Log.WaitingSinceAsync(DateTimeOffset.UtcNow.AddMinutes(-1), 10));   // none has waited a minute
        Assert.Equal([queued], await Log.WaitingSinceAsync(DateTimeOffset.UtcNow.AddSeconds(1), 10));
        Assert.DoesNotContain(held, await Log.WaitingSinceAsync(DateTimeOffset.UtcNow.AddSeconds(1), 10));
    }

    [Fact]
    public async Task A_resend_queues_the_message_again_and_says_who_asked()
    {
        var id = (await Log.QueueAsync(Draft("r"), NotificationStatus.Held))!.Value;

        Assert.True(await Log.RequeueAsync(id, "staff:admin"));
        Assert.False(await Log.RequeueAsync(id + 1000, "staff:admin"));

        Assert.Equal(NotificationStatus.Queued, (await Log.GetAsync(id))!.Status);
        var events = await Log.EventsAsync(id);
        Assert.Equal(["held", "re-sent"], events.Select(e => e.What));
        Assert.Equal("by staff:admin", events[1].Detail);
    }
}

public sealed class SqliteNotificationLogTests : NotificationLogTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresNotificationLogTests(PostgresCluster cluster) : NotificationLogTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgresAsync(cluster);
}
