using System.Collections.Concurrent;
using Grpc.Core;

namespace WeGoAssembly.Testing;

/// <summary>
/// One round of the crash test, shared by the test suite and bench/CrashRecovery: a vote surge on a fresh ballot,
/// the server SIGKILLed when a randomly drawn number of votes has been acknowledged, the server started again on
/// the same database, then the checks — every acknowledged vote is in the ledger with its receipt; retrying every
/// vote with its idempotency key returns the same receipt (acknowledged or stored) or counts it once (not stored);
/// after the close, the result counts each member once with its choice and equals the ledger tables.
/// </summary>
public static class CrashRound
{
    public static async Task<CrashRoundResult> RunAsync(SurgeAssembly assembly, Random random)
    {
        var problems = new ConcurrentQueue<string>();
        var ballotId = await assembly.OpenBallotAsync();
        var votes = assembly.PlanVotes(ballotId, random);
        var killAfter = random.Next(1, votes.Count);
        var acknowledged = 0;
        var killed = false;
        var outcomes = await assembly.SurgeAsync(votes, outcome =>
        {
            if (outcome.Acknowledged)
            {
                if (Interlocked.Increment(ref acknowledged) == killAfter)
                {
                    // Flagged first: a failure seen before the flag cannot have been caused by the kill.
                    Volatile.Write(ref killed, true);
                    assembly.Server.Kill();
                }
            }
            else if (!Volatile.Read(ref killed))
                problems.Enqueue($"{outcome.Vote.MemberCityId}: failed before the kill: {outcome.Failure!.StatusCode} {outcome.Failure.Message}");
            else if (outcome.Failure!.StatusCode != StatusCode.Unavailable)
                problems.Enqueue($"{outcome.Vote.MemberCityId}: failed with {outcome.Failure.StatusCode}, not Unavailable, after the kill: {outcome.Failure.Message}");
        });
        if (!killed)
            problems.Enqueue($"The kill after {killAfter} acknowledged votes never came ({acknowledged} acknowledged).");
        var restart = System.Diagnostics.Stopwatch.StartNew();
        await assembly.Server.RestartAsync();
        restart.Stop();

        // Every acknowledged vote must have survived the kill, with the receipt the voter was given.
        var stored = await assembly.ReadLedgerAsync(ballotId);
        var lost = 0;
        foreach (var (problem, missing) in stored.CheckAcknowledged(outcomes.Where(o => o.Acknowledged).Select(o => (o.Vote.MemberCityId, o.Receipt!.ReceiptId))))
        {
            lost += missing ? 1 : 0;
            problems.Enqueue(problem);
        }

        // The voters retry with the same keys: a stored vote replays its receipt, an unstored one is counted now.
        var retries = await assembly.SurgeAsync(votes);
        foreach (var retry in retries)
        {
            var member = retry.Vote.MemberCityId;
            if (!retry.Acknowledged)
                problems.Enqueue($"{member}: the retry after the restart failed: {retry.Failure!.StatusCode} {retry.Failure.Message}");
            else if (stored.Receipts.TryGetValue(member, out var receipt) && (!retry.Receipt!.Replayed || retry.Receipt.ReceiptId != receipt))
                problems.Enqueue($"{member}: stored with receipt {receipt}; the retry answered {retry.Receipt!.ReceiptId} (replayed {retry.Receipt.Replayed}).");
            else if (!stored.Receipts.ContainsKey(member) && retry.Receipt!.Replayed)
                problems.Enqueue($"{member}: not stored, yet the retry replayed receipt {retry.Receipt.ReceiptId}.");
        }

        var result = await assembly.CloseAsync(ballotId);
        foreach (var difference in SurgeAssembly.CompareFinal(votes, result, await assembly.ReadLedgerAsync(ballotId)))
            problems.Enqueue(difference);
        var acknowledgedBeforeKill = outcomes.Count(o => o.Acknowledged);
        return new(ballotId, killAfter, acknowledgedBeforeKill, votes.Count - acknowledgedBeforeKill,
            outcomes.Count(o => !o.Acknowledged && stored.Receipts.ContainsKey(o.Vote.MemberCityId)), lost, restart.Elapsed, [.. problems]);
    }
}

/// <summary>
/// What one crash round saw: the votes acknowledged before the kill (the draw was <paramref name="KillAfter"/>),
/// those not acknowledged, how many of those were nevertheless stored (committed, reply lost in the kill), the
/// acknowledged votes missing after the restart (must be 0), how long the restart took until /healthz answered,
/// and every failed check in words (must be none).
/// </summary>
public sealed record CrashRoundResult(string BallotId, int KillAfter, int Acknowledged, int Unacknowledged, int StoredUnacknowledged, int Lost,
    TimeSpan Restart, IReadOnlyList<string> Problems);
