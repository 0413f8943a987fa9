namespace WeGoAssembly.Grains.Rules;

/// <summary>
/// Min-cost maximum flow for one overlap group of site visits: source → person (1) → ranked visit (cost = rank)
/// → sink (the visit's free seats). Successive shortest paths give, at every step, the cheapest seating of its
/// size, so the last one places the most people and, among those seatings, has the lowest rank sum.
/// <para>
/// The person nodes are never materialised in the search. Every residual path through a person is one of
/// "source → unplaced person → visit v" (cost = the person's rank of v) or "visit u → person seated on u → visit v"
/// (cost = rank of v − rank of u), so the residual graph compresses onto the visits: the edge u → v costs the
/// cheapest such move, kept in buckets per (u, v, rank difference), and the source edge to v costs the lowest
/// rank any unplaced person gave v. Each augmentation is then a Dijkstra over at most 50-odd visits with Johnson
/// potentials (valid because a compressed edge's reduced cost is the sum of two reduced costs of the full graph),
/// instead of a search over every person. Cost: one O(V²) search per seat filled plus O(k log n) per person moved
/// (k = choices per person); 10,000 people, 50 visits, 5 choices take well under a second (bench/SiteVisitAssignment).
/// </para>
/// <para>
/// Ties: paths of equal cost are compared by the fair-order position of the person entering from the source
/// (earlier wins); a person moved to a better or equal choice is the earliest in fair order, a person moved to a
/// worse choice is the latest. People are numbered in fair order, so "earlier" is "lower index".
/// </para>
/// </summary>
internal sealed class SeatFlow
{
    private const long Unreachable = long.MaxValue / 4;
    private const int NoMove = int.MaxValue;

    private readonly int _visits, _maxRank;
    private readonly int[] _seats, _load;
    private readonly int[] _optionStart, _optionVisit, _optionRank;
    private readonly int[] _at;

    // Source edges: unplaced people per (visit, rank), in fair order; people only ever leave these lists.
    private readonly int[][] _entrants;
    private readonly int[] _entrantHead, _entryRank;

    // Move edges: people seated on u who ranked v, per (u, v) and rank of v − rank of u; memory in proportion to the
    // people seated, not to visits² × ranks. The cheapest difference per (u, v) is kept for the search.
    private readonly SortedList<int, Movers>?[] _movers;
    private readonly int[] _bestDelta;

    // Dijkstra over visits 0..V-1 and the sink V; the source is implicit (potential 0, distance 0).
    private readonly long[] _potential, _distance;
    private readonly int[] _entering, _previous;
    private readonly bool[] _done;

    private SeatFlow(int visitCount, int[] seats, int[] optionStart, int[] optionVisit, int[] optionRank)
    {
        _visits = visitCount;
        _seats = seats;
        _optionStart = optionStart;
        _optionVisit = optionVisit;
        _optionRank = optionRank;
        var people = optionStart.Length - 1;
        _maxRank = optionRank.Length == 0 ? 1 : optionRank.Max();
        _load = new int[visitCount];
        _at = new int[people];
        Array.Fill(_at, -1);

        var counts = new int[visitCount * _maxRank];
        for (var o = 0; o < optionVisit.Length; o++)
            counts[optionVisit[o] * _maxRank + optionRank[o] - 1]++;
        _entrants = counts.Select(c => c == 0 ? [] : new int[c]).ToArray();
        Array.Clear(counts);
        for (var p = 0; p < people; p++)
            for (var o = optionStart[p]; o < optionStart[p + 1]; o++)
            {
                var list = optionVisit[o] * _maxRank + optionRank[o] - 1;
                _entrants[list][counts[list]++] = p;
            }
        _entrantHead = new int[_entrants.Length];
        _entryRank = new int[visitCount];
        Array.Fill(_entryRank, 1);

        _movers = new SortedList<int, Movers>?[visitCount * visitCount];
        _bestDelta = new int[visitCount * visitCount];
        Array.Fill(_bestDelta, NoMove);

        _potential = new long[visitCount + 1];
        _distance = new long[visitCount + 1];
        _entering = new int[visitCount + 1];
        _previous = new int[visitCount + 1];
        _done = new bool[visitCount + 1];
    }

    /// <summary>Seats people 0..P-1 (fair order) on their options; returns each person's visit, -1 for none.</summary>
    public static int[] Solve(int visitCount, int[] seats, int[] optionStart, int[] optionVisit, int[] optionRank)
    {
        var flow = new SeatFlow(visitCount, seats, optionStart, optionVisit, optionRank);
        var path = new List<int>(visitCount);
        while (flow.ShortestPath(path))
            flow.Augment(path);
        return flow._at;
    }

    /// <summary>Cheapest source → sink path over the visits (first visit first), or false when no seat can be added.</summary>
    private bool ShortestPath(List<int> path)
    {
        var sink = _visits;
        Array.Fill(_distance, Unreachable);
        Array.Fill(_entering, int.MaxValue);
        Array.Fill(_previous, -1);
        Array.Clear(_done);
        for (var v = 0; v < _visits; v++)
            if (PeekEntrant(v, out var rank, out var person))
            {
                _distance[v] = rank - _potential[v];
                _entering[v] = person;
            }

        while (true)
        {
            var best = -1;
            for (var v = 0; v < _visits; v++)
                if (!_done[v] && _distance[v] < Unreachable && (best < 0 || Before(v, best)))
                    best = v;
            if (_distance[sink] < Unreachable && (best < 0 || !Before(best, sink)))
                break;
            if (best < 0)
                return false;
            _done[best] = true;
            if (_load[best] < _seats[best])
                Relax(best, sink, _potential[best] - _potential[sink]);
            for (var v = 0; v < _visits; v++)
            {
                var delta = _bestDelta[best * _visits + v];
                if (!_done[v] && delta != NoMove)
                    Relax(best, v, delta + _potential[best] - _potential[v]);
            }
        }

        // Johnson: add the distances, capped at the sink's, so every residual edge keeps a reduced cost >= 0.
        var toSink = _distance[sink];
        for (var v = 0; v <= sink; v++)
            _potential[v] += Math.Min(_distance[v], toSink);

        path.Clear();
        for (var v = _previous[sink]; v >= 0; v = _previous[v])
            path.Add(v);
        path.Reverse();
        return true;
    }

    /// <summary>Label order: shorter first, then the earlier entering person.</summary>
    private bool Before(int a, int b) =>
        _distance[a] < _distance[b] || (_distance[a] == _distance[b] && _entering[a] < _entering[b]);

    private void Relax(int from, int to, long reducedCost)
    {
        var distance = _distance[from] + reducedCost;
        if (distance < _distance[to] || (distance == _distance[to] && _entering[from] < _entering[to]))
        {
            _distance[to] = distance;
            _entering[to] = _entering[from];
            _previous[to] = from;
        }
    }

    /// <summary>Seats the entering person on the path's first visit and moves one person along each later hop.</summary>
    private void Augment(List<int> path)
    {
        PeekEntrant(path[0], out _, out var entering);
        var movers = new int[path.Count - 1];
        for (var i = 0; i + 1 < path.Count; i++)
            movers[i] = PeekMover(path[i], path[i + 1]);
        for (var i = movers.Length - 1; i >= 0; i--)
        {
            Unseat(movers[i], path[i]);
            Seat(movers[i], path[i + 1]);
        }
        Seat(entering, path[0]);
        _load[path[^1]]++;
    }

    private bool PeekEntrant(int visit, out int rank, out int person)
    {
        for (rank = _entryRank[visit]; rank <= _maxRank; rank++)
        {
            var list = visit * _maxRank + rank - 1;
            var entrants = _entrants[list];
            var head = _entrantHead[list];
            while (head < entrants.Length && _at[entrants[head]] >= 0)
                head++;
            _entrantHead[list] = head;
            if (head < entrants.Length)
            {
                _entryRank[visit] = rank;
                person = entrants[head];
                return true;
            }
        }
        _entryRank[visit] = rank;
        person = -1;
        return false;
    }

    private int PeekMover(int from, int to)
    {
        var pair = from * _visits + to;
        var movers = _movers[pair]![_bestDelta[pair]].People;
        while (_at[movers.Peek()] != from)
            movers.Dequeue(); // stale: that person has moved since
        return movers.Peek();
    }

    private int RankOf(int person, int visit)
    {
        for (var o = _optionStart[person]; o < _optionStart[person + 1]; o++)
            if (_optionVisit[o] == visit)
                return _optionRank[o];
        throw new InvalidOperationException("A person was seated on a visit they did not rank.");
    }

    private void Seat(int person, int visit)
    {
        _at[person] = visit;
        var own = RankOf(person, visit);
        for (var o = _optionStart[person]; o < _optionStart[person + 1]; o++)
        {
            var other = _optionVisit[o];
            if (other == visit)
                continue;
            var pair = visit * _visits + other;
            var delta = _optionRank[o] - own;
            var byDelta = _movers[pair] ??= new();
            if (!byDelta.TryGetValue(delta, out var movers))
                byDelta.Add(delta, movers = new());
            movers.Count++;
            // A move to a worse choice takes the latest person in fair order; any other move the earliest.
            movers.People.Enqueue(person, delta > 0 ? -person : person);
            if (delta < _bestDelta[pair])
                _bestDelta[pair] = delta;
        }
    }

    private void Unseat(int person, int visit)
    {
        var own = RankOf(person, visit);
        for (var o = _optionStart[person]; o < _optionStart[person + 1]; o++)
        {
            var other = _optionVisit[o];
            if (other == visit)
                continue;
            var pair = visit * _visits + other;
            var delta = _optionRank[o] - own;
            var byDelta = _movers[pair]!;
            if (--byDelta[delta].Count > 0)
                continue;
            byDelta.Remove(delta); // with its stale entries
            _bestDelta[pair] = byDelta.Count == 0 ? NoMove : byDelta.Keys[0];
        }
        _at[person] = -1;
    }

    /// <summary>The people seated on one visit who could move to another at one rank difference.</summary>
    private sealed class Movers
    {
        public int Count;
        public readonly PriorityQueue<int, int> People = new();
    }
}
