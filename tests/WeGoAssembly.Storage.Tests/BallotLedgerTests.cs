using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Storage.Voting;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Storage.Tests;

/// <summary>
/// The vote ledger on every engine, as two activations of one ballot would use it: a vote of a member already stored
/// fails alone (the rest of its batch is stored and counted), and after the seal no vote of the ballot is stored.
/// </summary>
public abstract class BallotLedgerTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private ServiceProvider services = null!;

    private IBallotLedger Ledger => services.GetRequiredService<IBallotLedger>();

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        database = await CreateDatabaseAsync();
        services = await database.CreateServicesAsync(s => s.AddLogging().AddBallotLedger());
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    private static LedgerVote Vote(string ballot, string member, string choice) =>
        new(ballot, member, $"key-{member}-{choice}", $"receipt-{member}-{choice}", member, null, [choice]);

    [Fact]
    public async Task A_vote_of_a_member_already_stored_fails_alone_and_the_rest_of_its_batch_counts()
    {
        await Ledger.AppendAsync(Vote("b1", "seoul", "yes"));

        // Queued together (mostly into one batch): the second seoul vote (another activation's) meets the stored one.
        var batch = new[] { Vote("b1", "busan", "no"), Vote("b1", "seoul", "no"), Vote("b2", "seoul", "abstain") }.Select(Ledger.AppendAsync).ToArray();
        await Task.WhenAll(batch.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.True(batch[0].IsCompletedSuccessfully);
        Assert.IsType<LedgerUnavailableException>(batch[1].Exception!.InnerException);
        Assert.True(batch[2].IsCompletedSuccessfully);
        var b1 = await Ledger.ReadAsync("b1");
        Assert.Equal(["busan", "seoul"], b1.Voters.Select(v => v.MemberCityId).Order());
        Assert.Equal("receipt-seoul-yes", b1.Voters.Single(v => v.MemberCityId == "seoul").ReceiptId);
        Assert.Equal(new Dictionary<string, int> { ["yes"] = 1, ["no"] = 1 }, b1.Tally);
        Assert.Equal(new Dictionary<string, int> { ["abstain"] = 1 }, (await Ledger.ReadAsync("b2")).Tally);
    }

    [Fact]
    public async Task After_the_seal_no_vote_of_the_ballot_is_stored_and_other_ballots_go_on()
    {
        await Ledger.AppendAsync(Vote("b1", "seoul", "yes"));

        var sealedWith = await Ledger.SealAsync("b1");
        var late = Ledger.AppendAsync(Vote("b1", "busan", "no"));
        var other = Ledger.AppendAsync(Vote("b2", "busan", "no"));

        Assert.Equal(["seoul"], sealedWith.Voters.Select(v => v.MemberCityId));
        await Assert.ThrowsAsync<LedgerUnavailableException>(() => late);
        await other;
        Assert.Equal(new Dictionary<string, int> { ["yes"] = 1 }, (await Ledger.ReadAsync("b1")).Tally);
        Assert.Equal(["seoul"], (await Ledger.SealAsync("b1")).Voters.Select(v => v.MemberCityId));   // sealing again changes nothing
        Assert.Equal(new Dictionary<string, int> { ["no"] = 1 }, (await Ledger.ReadAsync("b2")).Tally);
    }
}

public sealed class SqliteBallotLedgerTests : BallotLedgerTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresBallotLedgerTests(PostgresCluster cluster) : BallotLedgerTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgresAsync(cluster);
}
