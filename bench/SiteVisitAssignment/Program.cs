// Site-visit assignment benchmark (issue 5, item 7): 10,000 participants, 50 visits, 5 ranked choices each,
// optimal assignment (min-cost flow) against the greedy baseline, on a fixed seed. Bar: optimal under 2 s.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using WeGoAssembly.Grains.Rules;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const int Participants = 10_000, Delegations = 150, Choices = 5, TimedRuns = 5, Seed = 20230907;

Console.WriteLine("Site-visit assignment benchmark");
Console.WriteLine("command: dotnet run -c Release --project bench/SiteVisitAssignment");
Console.WriteLine($"machine: {WeGoAssembly.Bench.Machine.Describe()}");
if (File.Exists("/proc/loadavg"))
    Console.WriteLine($"load average (1, 5, 15 min) at start: {string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))} (other work on the machine slows the timings)");
#if DEBUG
Console.WriteLine("WARNING: Debug build; the figures mean nothing. Add -c Release.");
#endif
Console.WriteLine($"input: {Participants:N0} participants in {Delegations} delegations, 50 visits, {Choices} ranked choices each " +
                  $"(popularity skewed: visit weight 1/k for the k-th most popular), 9,000 seats in total, seed {Seed}");
Console.WriteLine($"timing: 1 warm-up run, then {TimedRuns} timed runs; min and median wall-clock time");

var allOk = true;
allOk &= RunScenario("A. mixed time slots: 3 overlap groups",
    [("day 1 afternoon", 1, 13.0, 30, 6_000), ("day 2 morning", 2, 9.0, 12, 1_800), ("day 2 afternoon", 2, 14.0, 8, 1_200)]);
allOk &= RunScenario("B. worst case for the solver: all 50 visits overlap (one group, 10,000 people for 9,000 seats)",
    [("day 1 afternoon", 1, 13.0, 50, 9_000)]);
Console.WriteLine();
Console.WriteLine(allOk ? "bar: optimal under 2 s in every scenario: PASS" : "bar: optimal under 2 s: FAIL");
return allOk ? 0 : 1;

bool RunScenario(string title, (string Name, int Day, double FromHour, int Visits, int Seats)[] slots)
{
    var (input, groupOfVisit) = Generate(slots);
    Console.WriteLine();
    Console.WriteLine(title);
    var requests = 0;
    for (var g = 0; g < slots.Length; g++)
    {
        var wanting = input.Preferences.Count(p => p.RankedVisitIds.Any(v => groupOfVisit[v] == g));
        requests += wanting;
        Console.WriteLine($"  {slots[g].Name,-16} {slots[g].Visits,2} visits, {slots[g].Seats,5:N0} seats, {wanting,6:N0} participants ranked at least one");
    }
    Console.WriteLine($"  requests (participant x overlap group with a ranked visit): {requests:N0} for {slots.Sum(s => s.Seats):N0} seats");
    Console.WriteLine();
    var ordinals = Enumerable.Range(1, Choices).Select(r => r switch { 1 => "1st", 2 => "2nd", 3 => "3rd", _ => $"{r}th" }).ToArray();
    Console.WriteLine($"  {"",-18} {"time (ms)",12} | {"participants by their best seat".PadRight(8 * Choices + 10)} | seats by choice rank");
    Console.WriteLine(Row("method", "min", "median", ordinals, "unplaced", ordinals, "seats", "rank sum"));

    var (optimal, optimalMin, optimalMedian) = Time(() => SiteVisitAssignment.Assign(input));
    var (greedy, greedyMin, greedyMedian) = Time(() => GreedyAssignment.Assign(input));
    Print("optimal (min-cost)", optimal.Statistics, optimalMin, optimalMedian);
    Print("greedy (baseline)", greedy.Statistics, greedyMin, greedyMedian);
    var gained = optimal.Statistics.SeatsByRank.Sum() - greedy.Statistics.SeatsByRank.Sum();
    Console.WriteLine($"  optimal vs greedy: {gained:+#,0;-#,0;0} seats, rank sum {optimal.Statistics.RankSum - greedy.Statistics.RankSum:+#,0;-#,0;0}" +
                      $" (mean rank per seat {Mean(optimal.Statistics):0.000} vs {Mean(greedy.Statistics):0.000})");
    return optimalMin < 2_000 && optimalMedian < 2_000;
}

static double Mean(AssignmentStatistics s) => (double)s.RankSum / Math.Max(1, s.SeatsByRank.Sum());

static void Print(string method, AssignmentStatistics s, double min, double median)
{
    var people = Math.Max(1, s.ParticipantsWithPreferences);
    Console.WriteLine(Row(method, $"{min:0}", $"{median:0}",
        s.ParticipantsByBestRank.Select(n => $"{100.0 * n / people:0.0}%").ToArray(), $"{100.0 * s.ParticipantsUnplaced / people:0.0}%",
        s.SeatsByRank.Select(n => $"{n:N0}").ToArray(), $"{s.SeatsByRank.Sum():N0}", $"{s.RankSum:N0}"));
}

// One table line; the header and the figures go through the same widths so the columns line up.
static string Row(string method, string min, string median, string[] shares, string unplaced, string[] seats, string total, string rankSum) =>
    $"  {method,-18} {min,5} {median,6} | {string.Join("", shares.Select(x => $"{x,8}"))} {unplaced,9} | " +
    $"{string.Join("", seats.Select(x => $"{x,7}"))} {total,7} {rankSum,9}";

static (AssignmentOutcome Outcome, double MinMs, double MedianMs) Time(Func<AssignmentOutcome> run)
{
    var outcome = run(); // warm-up: JIT and tiering
    var times = new double[TimedRuns];
    for (var i = 0; i < TimedRuns; i++)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var watch = Stopwatch.StartNew();
        outcome = run();
        times[i] = watch.Elapsed.TotalMilliseconds;
    }
    Array.Sort(times);
    return (outcome, times[0], times[TimedRuns / 2]);
}

// Visits: each slot's visits start every 30 minutes over 2 hours and last 1.5 to 2.5 hours, so they chain into one
// overlap group; slots on different half-days do not overlap (at most 4.5 hours from the slot's first start). Capacities are random, scaled to the slot's seats,
// and unrelated to popularity; buses of 45 seats cover them. Popularity: a random order of visits, weight 1/k.
static (AssignmentInput Input, Dictionary<string, int> GroupOfVisit) Generate((string Name, int Day, double FromHour, int Visits, int Seats)[] slots)
{
    var random = new Random(Seed);
    var visits = new List<VisitSlot>();
    var groupOfVisit = new Dictionary<string, int>();
    var day1 = new DateTimeOffset(2023, 9, 7, 0, 0, 0, TimeSpan.FromHours(9));
    for (var g = 0; g < slots.Length; g++)
    {
        var slot = slots[g];
        var weights = Enumerable.Range(0, slot.Visits).Select(_ => 0.5 + random.NextDouble()).ToArray();
        var capacities = weights.Select(w => (int)(slot.Seats * w / weights.Sum())).ToArray();
        capacities[0] += slot.Seats - capacities.Sum();
        for (var i = 0; i < slot.Visits; i++)
        {
            var id = $"visit-{visits.Count + 1:00}";
            var start = day1.AddDays(slot.Day - 1).AddHours(slot.FromHour + 0.5 * (i % 5));
            var buses = Enumerable.Range(1, (capacities[i] + 44) / 45).Select(b => new VisitVehicle($"bus-{b}", 45)).ToArray();
            visits.Add(new VisitSlot(id, start, start.AddHours(1.5 + 0.5 * (i % 3)), capacities[i], buses));
            groupOfVisit[id] = g;
        }
    }

    var popularity = visits.Select(v => v.Id).OrderBy(_ => random.Next()).ToArray();
    var weight = popularity.Select((_, k) => 1.0 / (k + 1)).ToArray();
    var totalWeight = weight.Sum();
    // Delegations of skewed size (a few large, many small), at least one person each.
    var delegationWeight = Enumerable.Range(0, Delegations).Select(d => 1.0 / Math.Pow(d + 1, 0.8)).ToArray();
    var preferences = new List<VisitPreference>(Participants);
    for (var p = 0; p < Participants; p++)
    {
        var delegation = p < Delegations ? p : Draw(delegationWeight, delegationWeight.Sum(), random);
        var ranked = new List<string>(Choices);
        while (ranked.Count < Choices)
        {
            var visit = popularity[Draw(weight, totalWeight, random)];
            if (!ranked.Contains(visit))
                ranked.Add(visit);
        }
        preferences.Add(new VisitPreference($"participant-{p:00000}", $"city-{delegation:000}", ranked));
    }
    return (new AssignmentInput(visits, preferences, null, "bench"), groupOfVisit);
}

static int Draw(double[] weights, double total, Random random)
{
    var x = random.NextDouble() * total;
    for (var i = 0; i < weights.Length; i++)
        if ((x -= weights[i]) < 0)
            return i;
    return weights.Length - 1;
}

