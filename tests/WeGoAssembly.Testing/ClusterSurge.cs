using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Testing;

/// <summary>
/// A vote surge on a cluster whose nodes die or restart meanwhile, shared by the cluster test and bench/ClusterRestart.
/// Each voter keeps retrying its vote with the same idempotency key while the answer is UNAVAILABLE (as a client must),
/// so every vote ends acknowledged; then the checks: every acknowledgement is in the ledger with its receipt, a retry
/// of every vote replays that receipt, and after the close the result counts each member once with its choice.
/// </summary>
public static class ClusterSurge
{
    /// <summary>How long one voter keeps retrying before its vote counts as lost.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Casts every vote, <paramref name="inFlight"/> at once, each retried every 100 ms while UNAVAILABLE;
    /// <paramref name="onAck"/> runs as each is acknowledged. Times are read from <paramref name="clock"/>.
    /// </summary>
    public static async Task<SurgeRun> RunAsync(SurgeAssembly assembly, IReadOnlyList<PlannedVote> votes, Stopwatch clock, Action<VoteAck>? onAck = null, int inFlight = 64)
    {
        var acks = new ConcurrentQueue<VoteAck>();
        var problems = new ConcurrentQueue<string>();
        var unavailable = 0;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < votes.Count)
            {
                var vote = votes[i];
                var first = clock.Elapsed;
                for (var attempt = 1; ; attempt++)
                {
                    var sent = clock.Elapsed;
                    var outcome = await assembly.CastAsync(vote);
                    if (outcome.Acknowledged)
                    {
                        var ack = new VoteAck(vote, outcome.Receipt!, sent, clock.Elapsed, attempt);
                        acks.Enqueue(ack);
                        onAck?.Invoke(ack);
                        break;
                    }
                    if (outcome.Failure!.StatusCode != StatusCode.Unavailable)
                    {
                        problems.Enqueue($"{vote.MemberCityId}: attempt {attempt} failed with {outcome.Failure.StatusCode}, not UNAVAILABLE: {outcome.Failure.Status.Detail}");
                        break;
                    }
                    Interlocked.Increment(ref unavailable);
                    if (clock.Elapsed - first > GiveUpAfter)
                    {
                        problems.Enqueue($"{vote.MemberCityId}: still UNAVAILABLE after {GiveUpAfter.TotalSeconds:F0} s of retries: {outcome.Failure.Status.Detail}");
                        break;
                    }
                    await Task.Delay(100);
                }
            }
        })));
        return new([.. acks.OrderBy(a => a.At)], [.. problems], unavailable);
    }

    /// <summary>
    /// The checks after a surge whose every vote was acknowledged: each receipt is the one stored, a retry of each vote
    /// replays it, and after the close the result and the ledger count each member once with its planned choice.
    /// Returns the failed checks in words; none when all holds.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CheckAsync(SurgeAssembly assembly, IReadOnlyList<PlannedVote> votes, IReadOnlyList<VoteAck> acks)
    {
        var problems = new List<string>();
        var ballotId = votes[0].BallotId;
        var stored = await assembly.ReadLedgerAsync(ballotId);
        problems.AddRange(stored.CheckAcknowledged(acks.Select(a => (a.Vote.MemberCityId, a.Receipt.ReceiptId))).Select(c => c.Problem));
        var retries = await RunAsync(assembly, votes, Stopwatch.StartNew());
        problems.AddRange(retries.Problems);
        foreach (var retry in retries.Acks)
        {
            var member = retry.Vote.MemberCityId;
            if (!stored.Receipts.TryGetValue(member, out var receipt) || !retry.Receipt.Replayed || retry.Receipt.ReceiptId != receipt)
                problems.Add($"{member}: the retry answered receipt {retry.Receipt.ReceiptId} (replayed {retry.Receipt.Replayed}); stored: {stored.Receipts.GetValueOrDefault(member)}.");
        }
        var result = await assembly.CloseAsync(ballotId);
        problems.AddRange(SurgeAssembly.CompareFinal(votes, result, await assembly.ReadLedgerAsync(ballotId)));
        return problems;
    }
}

/// <summary>A vote acknowledged: its receipt, when the acknowledged attempt was sent and answered, and after how many attempts.</summary>
public sealed record VoteAck(PlannedVote Vote, VoteReceipt Receipt, TimeSpan SentAt, TimeSpan At, int Attempts);

/// <summary>What a surge saw: the acknowledgements in the order they came, the votes that failed otherwise, and how many attempts met UNAVAILABLE.</summary>
public sealed record SurgeRun(IReadOnlyList<VoteAck> Acks, IReadOnlyList<string> Problems, int UnavailableAttempts)
{
    /// <summary>From <paramref name="since"/> until the first acknowledgement of a vote sent after it: how long votes stopped flowing.</summary>
    public TimeSpan? FlowingAgainAfter(TimeSpan since) =>
        Acks.Where(a => a.SentAt >= since).Select(a => a.At - since).DefaultIfEmpty(TimeSpan.MaxValue).Min() is var gap && gap != TimeSpan.MaxValue ? gap : null;
}
