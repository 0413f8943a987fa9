using WeGoAssembly.Contracts;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class SiteVisitAssignmentTests
{
    private static readonly DateTimeOffset Day = new(2023, 9, 7, 0, 0, 0, TimeSpan.FromHours(9));

    private static VisitSlot Visit(string id, double fromHour, double toHour, int capacity, params (string Id, int Seats)[] vehicles) =>
        new(id, Day.AddHours(fromHour), Day.AddHours(toHour), capacity, vehicles.Select(v => new VisitVehicle(v.Id, v.Seats)).ToArray());

    private static VisitPreference Person(string id, string delegation, params string[] ranked) => new(id, delegation, ranked);

    private static AssignmentInput Input(IEnumerable<VisitSlot> visits, IEnumerable<VisitPreference> people, IEnumerable<StaffSeat>? staff = null, string seed = "") =>
        new(visits.ToArray(), people.ToArray(), staff?.ToArray(), seed);

    // ---------------------------------------------------------------- properties on random instances

    [Fact]
    public void Random_instances_never_exceed_capacity_or_double_book_and_seat_only_on_ranked_visits()
    {
        for (var seed = 0; seed < 400; seed++)
        {
            var input = RandomInstance(seed, maxPeople: seed % 2 == 0 ? 12 : 60, maxVisits: seed % 3 == 0 ? 4 : 10, maxCapacity: 8);
            CheckInvariants(input, SiteVisitAssignment.Assign(input), $"seed {seed}");
            CheckInvariants(input, GreedyAssignment.Assign(input), $"seed {seed} (greedy)");
        }
    }

    [Fact]
    public void Random_instances_give_the_same_output_twice_and_for_shuffled_input_lists()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var input = RandomInstance(seed, maxPeople: 40, maxVisits: 8, maxCapacity: 6);
            var expected = Describe(SiteVisitAssignment.Assign(input));
            Assert.Equal(expected, Describe(SiteVisitAssignment.Assign(input)));

            var random = new Random(seed + 1_000);
            var shuffled = input with
            {
                Visits = Shuffle(input.Visits, random),
                Preferences = Shuffle(input.Preferences, random),
            };
            Assert.True(expected == Describe(SiteVisitAssignment.Assign(shuffled)), $"seed {seed}: shuffling the input lists changed the output");
        }
    }

    [Fact]
    public void Small_instances_reach_the_brute_force_optimum_of_seats_then_rank_sum()
    {
        var nonTrivial = 0;
        for (var seed = 0; seed < 600; seed++)
        {
            var input = RandomInstance(seed, maxPeople: 7, maxVisits: 4, maxCapacity: 3);
            var statistics = SiteVisitAssignment.Assign(input).Statistics;
            var optimum = BruteForce(input);
            Assert.True(optimum == (statistics.SeatsByRank.Sum(), statistics.RankSum),
                $"seed {seed}: assignment gives {statistics.SeatsByRank.Sum()} seats with rank sum {statistics.RankSum}; brute force {optimum.Seats} with {optimum.RankSum}");
            var greedy = GreedyAssignment.Assign(input).Statistics;
            if ((greedy.SeatsByRank.Sum(), greedy.RankSum) != optimum)
                nonTrivial++;
        }
        Assert.True(nonTrivial > 20, $"only {nonTrivial} instances where greedy is not already optimal: the generator is too easy");
    }

    [Fact]
    public void Medium_instances_match_a_plain_min_cost_flow_on_every_person()
    {
        for (var seed = 0; seed < 120; seed++)
        {
            var input = RandomInstance(seed, maxPeople: 150, maxVisits: 12, maxCapacity: 25, maxDelegations: 12);
            var statistics = SiteVisitAssignment.Assign(input).Statistics;
            var reference = ReferenceMinCostFlow(input);
            Assert.True(reference == (statistics.SeatsByRank.Sum(), statistics.RankSum),
                $"seed {seed}: assignment gives {statistics.SeatsByRank.Sum()} seats with rank sum {statistics.RankSum}; reference {reference.Seats} with {reference.RankSum}");
        }
    }

    [Fact]
    public void A_large_instance_matches_the_plain_min_cost_flow()
    {
        var input = RandomInstance(7, maxPeople: 1_500, maxVisits: 30, maxCapacity: 80, maxDelegations: 60, minPeople: 1_500, minVisits: 30);
        var outcome = SiteVisitAssignment.Assign(input);
        CheckInvariants(input, outcome, "large");
        Assert.Equal(ReferenceMinCostFlow(input), (outcome.Statistics.SeatsByRank.Sum(), outcome.Statistics.RankSum));
    }

    [Fact]
    public void The_optimum_is_never_worse_than_greedy()
    {
        var strictlyBetter = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            var input = RandomInstance(seed, maxPeople: 80, maxVisits: 10, maxCapacity: 10);
            var optimal = SiteVisitAssignment.Assign(input).Statistics;
            var greedy = GreedyAssignment.Assign(input).Statistics;
            var (o, g) = (optimal.SeatsByRank.Sum(), greedy.SeatsByRank.Sum());
            Assert.True(o > g || (o == g && optimal.RankSum <= greedy.RankSum),
                $"seed {seed}: optimal {o} seats / rank sum {optimal.RankSum}, greedy {g} / {greedy.RankSum}");
            if (o > g || optimal.RankSum < greedy.RankSum)
                strictlyBetter++;
        }
        Assert.True(strictlyBetter > 0);
    }

    [Fact]
    public void Staff_seats_are_kept_and_the_rest_is_optimal_around_them()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var input = RandomInstance(seed, maxPeople: 7, maxVisits: 4, maxCapacity: 3);
            var random = new Random(seed + 77);
            var staff = new List<StaffSeat>();
            foreach (var person in input.Preferences.Where(_ => random.Next(4) == 0))
            {
                var visit = input.Visits[random.Next(input.Visits.Count)];
                if (staff.Where(s => s.ParticipantId == person.ParticipantId).All(s => !SiteVisitAssignment.Overlaps(input.Visits.Single(v => v.Id == s.VisitId), visit)))
                    staff.Add(new(person.ParticipantId, visit.Id));
            }
            input = input with { StaffSeats = staff };
            var outcome = SiteVisitAssignment.Assign(input);

            foreach (var s in staff)
                Assert.Contains(outcome.Seats, seat => seat.ParticipantId == s.ParticipantId && seat.VisitId == s.VisitId && seat.PlacedByStaff);
            Assert.Equal(staff.Count, outcome.Statistics.StaffSeats);
            var groups = OverlapGroups(input.Visits);
            foreach (var person in outcome.Seats.GroupBy(s => s.ParticipantId))
            {
                var optimised = person.Where(s => !s.PlacedByStaff).Select(s => groups[s.VisitId]).ToArray();
                var byStaff = person.Where(s => s.PlacedByStaff).Select(s => groups[s.VisitId]).ToHashSet();
                Assert.Equal(optimised.Length, optimised.Distinct().Count());
                Assert.DoesNotContain(optimised, byStaff.Contains);
            }
            foreach (var visit in input.Visits)
            {
                var taken = outcome.Seats.Count(s => s.VisitId == visit.Id);
                var byStaff = outcome.Seats.Count(s => s.VisitId == visit.Id && s.PlacedByStaff);
                Assert.True(taken <= Math.Max(visit.SeatLimit, byStaff), $"seed {seed}: {visit.Id} over capacity");
            }
            var optimum = BruteForce(input);
            Assert.True(optimum == (outcome.Statistics.SeatsByRank.Sum(), outcome.Statistics.RankSum), $"seed {seed}: not optimal around staff seats");
        }
    }

    // ---------------------------------------------------------------- hand-made cases

    [Fact]
    public void The_2023_afternoon_visits_overlap_so_each_person_gets_at_most_one()
    {
        var market = Visit("gwangjang-market", 14, 17.5, 3, ("van-1", 3));
        var magok = Visit("lg-science-park-magok", 13.5, 17.5, 3, ("bus-1", 45));
        var people = new[]
        {
            Person("seoul-1", "seoul", "gwangjang-market", "lg-science-park-magok"),
            Person("seoul-2", "seoul", "gwangjang-market", "lg-science-park-magok"),
            Person("ulaanbaatar-1", "ulaanbaatar", "gwangjang-market", "lg-science-park-magok"),
            Person("ulaanbaatar-2", "ulaanbaatar", "lg-science-park-magok", "gwangjang-market"),
            Person("makati-1", "makati", "gwangjang-market", "lg-science-park-magok"),
            Person("kazan-1", "kazan", "gwangjang-market"),
        };
        var outcome = SiteVisitAssignment.Assign(Input([market, magok], people));

        Assert.All(outcome.Seats.GroupBy(s => s.ParticipantId), person => Assert.Single(person));
        Assert.Equal(6, outcome.Seats.Count);
        Assert.Equal(3, outcome.Seats.Count(s => s.VisitId == "gwangjang-market"));
        Assert.Equal(3, outcome.Seats.Count(s => s.VisitId == "lg-science-park-magok"));
        Assert.Contains(outcome.Seats, s => s.ParticipantId == "kazan-1" && s.VisitId == "gwangjang-market");
        Assert.Contains(outcome.Seats, s => s.ParticipantId == "ulaanbaatar-2" && s.VisitId == "lg-science-park-magok");
        Assert.Equal([4, 2], outcome.Statistics.SeatsByRank); // 4 of the 5 market-first people cannot all fit: 2 go to Magok
        Assert.All(outcome.Waitlists, w => Assert.Empty(w.Entries));
    }

    [Fact]
    public void A_visit_with_capacity_zero_seats_nobody_and_waitlists_everyone_who_ranked_it()
    {
        var outcome = SiteVisitAssignment.Assign(Input(
            [Visit("closed", 9, 12, 0)],
            [Person("a", "x", "closed"), Person("b", "y", "closed")]));

        Assert.Empty(outcome.Seats);
        Assert.Equal(["a", "b"], outcome.Waitlists.Single().Entries.Select(e => e.ParticipantId).Order());
        Assert.Equal(2, outcome.Statistics.ParticipantsUnplaced);
        Assert.Equal(2, outcome.Statistics.UnplacedRequests);
    }

    [Fact]
    public void With_more_seats_than_people_everyone_gets_the_first_choice()
    {
        var people = Enumerable.Range(0, 30).Select(i => Person($"p{i}", $"d{i % 4}", i % 2 == 0 ? ["a", "b"] : ["b", "a"])).ToArray();
        var outcome = SiteVisitAssignment.Assign(Input([Visit("a", 9, 12, 100), Visit("b", 10, 13, 100)], people));

        Assert.Equal(30, outcome.Seats.Count);
        Assert.All(outcome.Seats, s => Assert.Equal(1, s.ChoiceRank));
        Assert.Equal([30, 0], outcome.Statistics.ParticipantsByBestRank);
    }

    [Fact]
    public void A_visit_nobody_ranked_stays_empty_with_an_empty_waitlist()
    {
        var outcome = SiteVisitAssignment.Assign(Input(
            [Visit("popular", 9, 12, 1), Visit("unloved", 9, 12, 10)],
            [Person("a", "x", "popular"), Person("b", "y", "popular")]));

        Assert.DoesNotContain(outcome.Seats, s => s.VisitId == "unloved");
        Assert.Empty(outcome.Waitlists.Single(w => w.VisitId == "unloved").Entries);
        Assert.Single(outcome.Waitlists.Single(w => w.VisitId == "popular").Entries);
    }

    [Fact]
    public void Visits_that_do_not_overlap_can_both_be_attended_even_back_to_back()
    {
        var outcome = SiteVisitAssignment.Assign(Input(
            [Visit("morning", 9, 12, 5), Visit("afternoon", 12, 15, 5), Visit("evening", 19, 21, 5)],
            [Person("a", "x", "morning", "afternoon", "evening")]));

        Assert.Equal(["afternoon", "evening", "morning"], outcome.Seats.Select(s => s.VisitId));
        Assert.Equal(3, outcome.Statistics.Requests);
    }

    [Fact]
    public void A_chain_of_overlaps_is_one_group_so_the_ends_are_not_combined()
    {
        // 09-12 and 13-16 do not overlap, but both overlap 11-14: one group, one seat per person (conservative).
        var outcome = SiteVisitAssignment.Assign(Input(
            [Visit("early", 9, 12, 5), Visit("middle", 11, 14, 5), Visit("late", 13, 16, 5)],
            [Person("a", "x", "early", "late")]));

        Assert.Equal("early", Assert.Single(outcome.Seats).VisitId);
    }

    [Fact]
    public void Overlap_compares_instants_not_clock_times()
    {
        var seoul = Visit("seoul", 9, 12, 5);
        var utc = new VisitSlot("utc", Day.AddHours(11).ToOffset(TimeSpan.Zero), Day.AddHours(13).ToOffset(TimeSpan.Zero), 5, []);

        Assert.True(SiteVisitAssignment.Overlaps(seoul, utc));
        Assert.Single(SiteVisitAssignment.Assign(Input([seoul, utc], [Person("a", "x", "seoul", "utc")])).Seats);
    }

    [Fact]
    public void The_optimum_places_more_people_where_greedy_blocks_a_seat()
    {
        var order = SiteVisitAssignment.FairOrder([Person("p", "d1"), Person("q", "d2")]);
        var (first, second) = (order[0], order[1]);
        var input = Input(
            [Visit("a", 9, 12, 1), Visit("b", 9, 12, 1)],
            [Person(first, first == "p" ? "d1" : "d2", "a", "b"), Person(second, second == "p" ? "d1" : "d2", "a")]);

        var greedy = GreedyAssignment.Assign(input);
        var optimal = SiteVisitAssignment.Assign(input);

        Assert.Single(greedy.Seats);
        Assert.Equal([(first, "b"), (second, "a")], optimal.Seats.Select(s => (s.ParticipantId, s.VisitId)).OrderBy(s => s.VisitId == "a"));
        Assert.Equal(3, optimal.Statistics.RankSum);
    }

    [Fact]
    public void Crossed_first_choices_are_both_met()
    {
        var outcome = SiteVisitAssignment.Assign(Input(
            [Visit("a", 9, 12, 1), Visit("b", 9, 12, 1)],
            [Person("p", "d1", "a", "b"), Person("q", "d2", "b", "a")]));

        Assert.Equal(2, outcome.Statistics.RankSum);
    }

    [Fact]
    public void Capacity_is_capped_by_the_seats_of_the_listed_vehicles_filled_in_boarding_order()
    {
        var visit = Visit("dmc", 9, 12, 10, ("van-1", 3), ("van-2", 3));
        Assert.Equal(6, visit.SeatLimit);
        var people = Enumerable.Range(0, 8).Select(i => Person($"p{i}", $"d{i}", "dmc")).ToArray();

        var outcome = SiteVisitAssignment.Assign(Input([visit], people));

        Assert.Equal(6, outcome.Seats.Count);
        Assert.Equal(3, outcome.Seats.Count(s => s.VehicleId == "van-1"));
        Assert.Equal(3, outcome.Seats.Count(s => s.VehicleId == "van-2"));
        Assert.Equal(2, outcome.Waitlists.Single().Entries.Count);
        Assert.Equal(4, Visit("walk", 9, 12, 4).SeatLimit);
    }

    [Fact]
    public void A_delegation_rides_together_when_a_vehicle_has_room_for_it()
    {
        var people = new[]
        {
            Person("s1", "seoul", "v"), Person("s2", "seoul", "v"), Person("s3", "seoul", "v"),
            Person("b1", "busan", "v"), Person("b2", "busan", "v"),
            Person("k1", "kazan", "v"),
        };
        var outcome = SiteVisitAssignment.Assign(Input([Visit("v", 9, 12, 6, ("bus-1", 4), ("bus-2", 2))], people));

        Assert.All(outcome.Seats, s => Assert.NotNull(s.VehicleId));
        Assert.Single(outcome.Seats.Where(s => s.ParticipantId.StartsWith('s')).Select(s => s.VehicleId).Distinct());
        Assert.Single(outcome.Seats.Where(s => s.ParticipantId.StartsWith('b')).Select(s => s.VehicleId).Distinct());
        Assert.Equal(4, outcome.Seats.Count(s => s.VehicleId == "bus-1"));
    }

    [Fact]
    public void A_staff_seat_is_kept_on_a_full_visit_and_takes_its_holder_out_of_that_time_slot()
    {
        var input = Input(
            [Visit("market", 14, 17, 1), Visit("magok", 14, 17, 5, ("bus-1", 1), ("bus-2", 4)), Visit("evening", 19, 21, 5)],
            [Person("vip", "seoul", "magok", "evening"), Person("a", "busan", "market"), Person("b", "kazan", "market")],
            [new StaffSeat("vip", "market", null), new StaffSeat("a", "magok", "bus-2")]);

        var outcome = SiteVisitAssignment.Assign(input);

        Assert.Contains(outcome.Seats, s => s is { ParticipantId: "vip", VisitId: "market", PlacedByStaff: true, ChoiceRank: 0 });
        Assert.Contains(outcome.Seats, s => s is { ParticipantId: "vip", VisitId: "evening", PlacedByStaff: false, ChoiceRank: 2 });
        Assert.DoesNotContain(outcome.Seats, s => s is { ParticipantId: "vip", VisitId: "magok" });
        Assert.Contains(outcome.Seats, s => s is { ParticipantId: "a", VisitId: "magok", VehicleId: "bus-2", PlacedByStaff: true });
        Assert.DoesNotContain(outcome.Seats, s => s.ParticipantId == "b"); // the market's one seat went to the staff seat
        Assert.Equal("b", outcome.Waitlists.Single(w => w.VisitId == "market").Entries.Single().ParticipantId);
        Assert.Equal(2, outcome.Statistics.StaffSeats);
    }

    // ---------------------------------------------------------------- fairness

    [Fact]
    public void Two_delegations_of_ten_competing_for_ten_first_choice_seats_get_five_each()
    {
        for (var seed = 0; seed < 25; seed++)
        {
            var people = Enumerable.Range(0, 10).SelectMany(i => new[]
            {
                Person($"alpha-{i}", "alpha", "market"),
                Person($"beta-{i}", "beta", "market"),
            });
            var outcome = SiteVisitAssignment.Assign(Input([Visit("market", 14, 17, 10)], people, seed: $"ga-{seed}"));

            Assert.Equal(5, outcome.Seats.Count(s => s.ParticipantId.StartsWith("alpha")));
            Assert.Equal(5, outcome.Seats.Count(s => s.ParticipantId.StartsWith("beta")));
        }
    }

    [Fact]
    public void Delegations_of_unequal_size_share_contested_seats_round_robin()
    {
        var people = new[] { Person("solo-0", "solo", "v") }
            .Concat(Enumerable.Range(0, 5).Select(i => Person($"mid-{i}", "mid", "v")))
            .Concat(Enumerable.Range(0, 20).Select(i => Person($"big-{i}", "big", "v")));
        var outcome = SiteVisitAssignment.Assign(Input([Visit("v", 9, 12, 6)], people));

        var seats = outcome.Seats.GroupBy(s => s.ParticipantId.Split('-')[0]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, seats["solo"]);
        Assert.InRange(seats["mid"], 2, 3);
        Assert.InRange(seats["big"], 2, 3);
    }

    [Fact]
    public void The_tie_break_is_not_alphabetical_and_varies_with_the_seed()
    {
        var winners = new HashSet<string>();
        for (var seed = 0; seed < 40; seed++)
        {
            var outcome = SiteVisitAssignment.Assign(Input(
                [Visit("v", 9, 12, 1)], [Person("aaa", "athens", "v"), Person("zzz", "zagreb", "v")], seed: seed.ToString()));
            winners.Add(outcome.Seats.Single().ParticipantId);
        }
        Assert.Equal(["aaa", "zzz"], winners.Order());

        var firstOfPairs = Enumerable.Range(0, 40)
            .Select(i => SiteVisitAssignment.FairOrder([Person($"a{i}", $"city-a{i}"), Person($"b{i}", $"city-b{i}")])[0][0])
            .ToHashSet();
        Assert.Equal(['a', 'b'], firstOfPairs.Order());
    }

    [Fact]
    public void When_someone_must_move_to_a_worse_choice_to_make_room_it_is_the_later_in_the_fair_order()
    {
        var order = SiteVisitAssignment.FairOrder([Person("p", "d1"), Person("q", "d2"), Person("r", "d3")]);
        var delegation = new Dictionary<string, string> { ["p"] = "d1", ["q"] = "d2", ["r"] = "d3" };
        var (earlier, later, onlyA) = (order[0], order[1], order[2]);
        var outcome = SiteVisitAssignment.Assign(Input(
            [Visit("a", 9, 12, 2), Visit("b", 9, 12, 5)],
            [Person(earlier, delegation[earlier], "a", "b"), Person(later, delegation[later], "a", "b"), Person(onlyA, delegation[onlyA], "a")]));

        // Optimal either way (3 seats, rank sum 4); the tie goes to the earlier person.
        Assert.Equal(4, outcome.Statistics.RankSum);
        Assert.Equal([(earlier, "a"), (later, "b"), (onlyA, "a")],
            new[] { earlier, later, onlyA }.Select(id => (id, outcome.Seats.Single(s => s.ParticipantId == id).VisitId)));
    }

    [Fact]
    public void The_fair_order_deals_one_person_per_delegation_per_round()
    {
        for (var seed = 0; seed < 50; seed++)
        {
            var random = new Random(seed);
            var people = Enumerable.Range(0, random.Next(1, 80)).Select(i => Person($"p{i}", $"d{random.Next(1, 9)}")).ToArray();
            var order = SiteVisitAssignment.FairOrder(Shuffle(people, random), $"s{seed}");
            var delegationOf = people.ToDictionary(p => p.ParticipantId, p => p.DelegationId);
            var size = people.GroupBy(p => p.DelegationId).ToDictionary(g => g.Key, g => g.Count());

            Assert.Equal(people.Select(p => p.ParticipantId).Order(), order.Order());
            Assert.Equal(order, SiteVisitAssignment.FairOrder(Shuffle(people, random), $"s{seed}"));
            var dealt = size.Keys.ToDictionary(d => d, _ => 0);
            foreach (var id in order)
            {
                var delegation = delegationOf[id];
                // Nobody gets a (k+1)-th person before every delegation with k+1 or more people has its k-th.
                Assert.All(size.Where(s => s.Value > dealt[delegation]), s => Assert.True(dealt[s.Key] >= dealt[delegation], $"seed {seed}"));
                dealt[delegation]++;
            }
        }
    }

    // ---------------------------------------------------------------- waitlists and promotion

    [Fact]
    public void The_waitlist_is_ordered_by_the_rank_given_then_by_the_fair_order()
    {
        var people = new[]
        {
            Person("p1", "d1", "other", "full"), Person("p2", "d2", "full"), Person("p3", "d3", "full"),
            Person("p4", "d4", "other", "full"), Person("p5", "d5", "full"),
        };
        var input = Input([Visit("full", 9, 12, 0), Visit("other", 9, 12, 0)], people, seed: "waitlist");
        var fair = SiteVisitAssignment.FairOrder(people, "waitlist");

        var entries = SiteVisitAssignment.Assign(input).Waitlists.Single(w => w.VisitId == "full").Entries;

        var expected = people.Select(p => (p.ParticipantId, Rank: p.RankedVisitIds.ToList().IndexOf("full") + 1))
            .OrderBy(p => p.Rank).ThenBy(p => fair.ToList().IndexOf(p.ParticipantId))
            .Select(p => new WaitlistEntry(p.ParticipantId, p.Rank));
        Assert.Equal(expected, entries);
    }

    [Fact]
    public void Someone_seated_in_the_time_slot_is_not_waitlisted_there_but_still_is_in_another_slot()
    {
        var outcome = SiteVisitAssignment.Assign(Input(
            [Visit("a", 9, 12, 1), Visit("b", 9, 12, 1), Visit("c", 14, 16, 0)],
            [Person("p", "d1", "a", "c"), Person("q", "d2", "a", "b")]));

        Assert.Equal(2, outcome.Seats.Count);
        Assert.Empty(outcome.Waitlists.Single(w => w.VisitId == "a").Entries);
        Assert.Equal("p", outcome.Waitlists.Single(w => w.VisitId == "c").Entries.Single().ParticipantId);
    }

    [Fact]
    public void A_freed_seat_goes_to_the_first_waitlisted_person_in_the_first_vehicle_with_room()
    {
        var visit = Visit("market", 14, 17, 3, ("van-1", 2), ("van-2", 2));
        var seats = new[] { new VisitSeat("a", "market", "van-1", 1, false), new VisitSeat("c", "market", "van-2", 1, false) };
        var waitlist = new[] { new WaitlistEntry("w1", 1), new WaitlistEntry("w2", 1) };

        var promotion = SiteVisitAssignment.PromoteFromWaitlist(visit, waitlist, seats, [visit]);

        Assert.Equal([new VisitSeat("w1", "market", "van-1", 1, false)], promotion.Promoted);
        Assert.Equal([new WaitlistEntry("w2", 1)], promotion.Waitlist);
    }

    [Fact]
    public void Promotion_skips_someone_seated_on_an_overlapping_visit_who_keeps_their_place()
    {
        var market = Visit("market", 14, 17, 1);
        var magok = Visit("magok", 13.5, 17.5, 10);
        var lunch = Visit("lunch", 12, 14, 10);
        var seats = new[] { new VisitSeat("w1", "magok", null, 2, false), new VisitSeat("w2", "lunch", null, 1, false) };
        var waitlist = new[] { new WaitlistEntry("w1", 1), new WaitlistEntry("w2", 1), new WaitlistEntry("w3", 1) };

        var promotion = SiteVisitAssignment.PromoteFromWaitlist(market, waitlist, seats, [market, magok, lunch]);

        Assert.Equal("w2", promotion.Promoted.Single().ParticipantId); // lunch ends as the market visit starts: no overlap
        Assert.Equal(["w1", "w3"], promotion.Waitlist.Select(e => e.ParticipantId));
    }

    [Fact]
    public void Promotion_fills_every_free_seat_and_nothing_more()
    {
        var visit = Visit("v", 9, 12, 2);
        var waitlist = new[] { new WaitlistEntry("w1", 1), new WaitlistEntry("w2", 2), new WaitlistEntry("w3", 2) };

        var two = SiteVisitAssignment.PromoteFromWaitlist(visit, waitlist, [], [visit]);
        var none = SiteVisitAssignment.PromoteFromWaitlist(visit, waitlist,
            [new VisitSeat("a", "v", null, 1, false), new VisitSeat("b", "v", null, 1, true)], [visit]);

        Assert.Equal(["w1", "w2"], two.Promoted.Select(s => s.ParticipantId));
        Assert.Equal(["w3"], two.Waitlist.Select(e => e.ParticipantId));
        Assert.Empty(none.Promoted);
        Assert.Equal(waitlist, none.Waitlist);
    }

    [Fact]
    public void Someone_already_seated_on_the_visit_leaves_its_waitlist()
    {
        var visit = Visit("v", 9, 12, 5);
        var promotion = SiteVisitAssignment.PromoteFromWaitlist(visit,
            [new WaitlistEntry("w1", 1), new WaitlistEntry("w1", 1), new WaitlistEntry("w2", 1)],
            [new VisitSeat("w2", "v", null, 1, true)], [visit]);

        Assert.Equal(["w1"], promotion.Promoted.Select(s => s.ParticipantId));
        Assert.Empty(promotion.Waitlist);
    }

    [Fact]
    public void After_a_cancellation_promotion_keeps_every_invariant_on_random_instances()
    {
        for (var seed = 0; seed < 150; seed++)
        {
            var input = RandomInstance(seed, maxPeople: 40, maxVisits: 6, maxCapacity: 5);
            var outcome = SiteVisitAssignment.Assign(input);
            var random = new Random(seed);
            var fullVisits = input.Visits.Where(v => v.SeatLimit > 0 && outcome.Seats.Count(s => s.VisitId == v.Id) == v.SeatLimit).ToArray();
            if (fullVisits.Length == 0)
                continue;
            var visit = fullVisits[random.Next(fullVisits.Length)];
            var onVisit = outcome.Seats.Where(s => s.VisitId == visit.Id).ToArray();
            var cancelled = onVisit[random.Next(onVisit.Length)];
            var seats = outcome.Seats.Where(s => s != cancelled).ToList();
            var waitlist = outcome.Waitlists.Single(w => w.VisitId == visit.Id).Entries;

            var promotion = SiteVisitAssignment.PromoteFromWaitlist(visit, waitlist, seats, input.Visits);

            Assert.True(promotion.Promoted.Count <= 1);
            if (waitlist.Count > 0) // waitlisted people hold no seat in this visit's time slot, so the first one moves up
                Assert.Equal(waitlist[0].ParticipantId, promotion.Promoted.Single().ParticipantId);
            seats.AddRange(promotion.Promoted);
            Assert.True(seats.Count(s => s.VisitId == visit.Id) <= visit.SeatLimit);
            foreach (var vehicle in visit.Vehicles)
                Assert.True(seats.Count(s => s.VehicleId == vehicle.Id && s.VisitId == visit.Id) <= vehicle.Seats);
            AssertNoOverlaps(input, seats, $"seed {seed}");
        }
    }

    // ---------------------------------------------------------------- bad input

    public static TheoryData<string, AssignmentInput> BadInputs => new()
    {
        { "preferences.ranked_visit_ids", Input([Visit("a", 9, 12, 1)], [Person("p", "d", "nowhere")]) },
        { "preferences.ranked_visit_ids", Input([Visit("a", 9, 12, 1)], [Person("p", "d", "a", "a")]) },
        { "visits.capacity", Input([Visit("a", 9, 12, -1)], []) },
        { "visits.ends_at", Input([Visit("a", 12, 9, 1)], []) },
        { "visits.ends_at", Input([Visit("a", 9, 9, 1)], []) },
        { "visits.id", Input([Visit("a", 9, 12, 1), Visit("a", 13, 14, 1)], []) },
        { "visits.vehicles.seats", Input([Visit("a", 9, 12, 1, ("bus", -3))], []) },
        { "visits.vehicles.id", Input([Visit("a", 9, 12, 1, ("bus", 3), ("bus", 3))], []) },
        { "preferences.participant_id", Input([Visit("a", 9, 12, 1)], [Person("p", "d", "a"), Person("p", "e")]) },
        { "preferences.delegation_id", Input([Visit("a", 9, 12, 1)], [Person("p", " ", "a")]) },
        { "staff_seats.visit_id", Input([Visit("a", 9, 12, 1)], [Person("p", "d")], [new StaffSeat("p", "nowhere")]) },
        { "staff_seats.participant_id", Input([Visit("a", 9, 12, 1)], [], [new StaffSeat("ghost", "a")]) },
        { "staff_seats.vehicle_id", Input([Visit("a", 9, 12, 1, ("bus", 3))], [Person("p", "d")], [new StaffSeat("p", "a", "van")]) },
        { "staff_seats.visit_id", Input([Visit("a", 9, 12, 1), Visit("b", 11, 13, 1)], [Person("p", "d")], [new StaffSeat("p", "a"), new StaffSeat("p", "b")]) },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_refused_naming_the_field(string field, AssignmentInput input)
    {
        var error = Assert.Single(SiteVisitAssignment.Validate(input));
        Assert.Equal(field, error.Field);
        var refused = Assert.Throws<DomainException>(() => SiteVisitAssignment.Assign(input));
        Assert.Equal(DomainErrorKind.Invalid, refused.Kind);
        Assert.Throws<DomainException>(() => GreedyAssignment.Assign(input));
    }

    [Fact]
    public void No_visits_and_no_people_is_an_empty_assignment()
    {
        var outcome = SiteVisitAssignment.Assign(Input([], []));
        Assert.Empty(outcome.Seats);
        Assert.Empty(outcome.Waitlists);
        Assert.Equal(0, outcome.Statistics.Requests);
    }

    // ---------------------------------------------------------------- helpers

    private static AssignmentInput RandomInstance(
        int seed, int maxPeople, int maxVisits, int maxCapacity, int maxDelegations = 4, int minPeople = 1, int minVisits = 1)
    {
        var random = new Random(seed);
        var visits = Enumerable.Range(0, random.Next(minVisits, maxVisits + 1)).Select(i =>
        {
            var start = Day.AddHours(8 + 0.5 * random.Next(0, 16));
            var end = start.AddHours(0.5 * random.Next(1, 7));
            if (random.Next(3) == 0)
                (start, end) = (start.ToOffset(TimeSpan.Zero), end.ToOffset(TimeSpan.Zero)); // same instants, other clock
            var capacity = random.Next(0, maxCapacity + 1);
            var vehicles = random.Next(3) == 0
                ? Enumerable.Range(0, random.Next(1, 4)).Select(k => new VisitVehicle($"bus-{k}", random.Next(0, maxCapacity / 2 + 2))).ToArray()
                : [];
            return new VisitSlot($"visit-{i:00}", start, end, capacity, vehicles);
        }).ToArray();
        var delegations = random.Next(1, maxDelegations + 1);
        var people = Enumerable.Range(0, random.Next(minPeople, maxPeople + 1)).Select(i =>
        {
            var ranked = visits.Select(v => v.Id).OrderBy(_ => random.Next()).Take(random.Next(0, Math.Min(visits.Length, 5) + 1)).ToArray();
            return new VisitPreference($"p-{i:000}", $"city-{random.Next(delegations)}", ranked);
        }).ToArray();
        return new(visits, people, null, $"seed-{seed}");
    }

    private static T[] Shuffle<T>(IReadOnlyList<T> items, Random random)
    {
        var copy = items.ToArray();
        random.Shuffle(copy);
        return copy;
    }

    /// <summary>Overlap groups computed here independently: union-find over every overlapping pair.</summary>
    private static Dictionary<string, int> OverlapGroups(IReadOnlyList<VisitSlot> visits)
    {
        var parent = Enumerable.Range(0, visits.Count).ToArray();
        int Find(int x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        for (var i = 0; i < visits.Count; i++)
            for (var j = i + 1; j < visits.Count; j++)
                if (visits[i].Start < visits[j].End && visits[j].Start < visits[i].End)
                    parent[Find(i)] = Find(j);
        return Enumerable.Range(0, visits.Count).ToDictionary(i => visits[i].Id, Find);
    }

    private static void AssertNoOverlaps(AssignmentInput input, IEnumerable<VisitSeat> seats, string context)
    {
        var byId = input.Visits.ToDictionary(v => v.Id);
        foreach (var person in seats.GroupBy(s => s.ParticipantId))
        {
            var held = person.Select(s => byId[s.VisitId]).ToArray();
            for (var i = 0; i < held.Length; i++)
                for (var j = i + 1; j < held.Length; j++)
                    Assert.False(held[i].Start < held[j].End && held[j].Start < held[i].End,
                        $"{context}: {person.Key} is on {held[i].Id} and {held[j].Id}, which overlap");
        }
    }

    private static void CheckInvariants(AssignmentInput input, AssignmentOutcome outcome, string context)
    {
        var byId = input.Visits.ToDictionary(v => v.Id);
        var groups = OverlapGroups(input.Visits);
        var rankings = input.Preferences.ToDictionary(p => p.ParticipantId, p => p.RankedVisitIds.ToList());

        foreach (var visit in input.Visits)
        {
            var seated = outcome.Seats.Where(s => s.VisitId == visit.Id).ToArray();
            Assert.True(seated.Length <= visit.SeatLimit && visit.SeatLimit <= visit.Capacity,
                $"{context}: {visit.Id} has {seated.Length} people for capacity {visit.Capacity} and {visit.SeatLimit} seats");
            foreach (var vehicle in visit.Vehicles)
                Assert.True(seated.Count(s => s.VehicleId == vehicle.Id) <= vehicle.Seats, $"{context}: vehicle {vehicle.Id} of {visit.Id} over its seats");
            Assert.All(seated, s => Assert.True(visit.Vehicles.Count == 0 ? s.VehicleId is null : visit.Vehicles.Any(v => v.Id == s.VehicleId),
                $"{context}: {s.ParticipantId} has vehicle {s.VehicleId ?? "(none)"} on {visit.Id}"));
        }
        AssertNoOverlaps(input, outcome.Seats, context);
        foreach (var person in outcome.Seats.GroupBy(s => s.ParticipantId))
            Assert.True(person.Select(s => groups[s.VisitId]).Distinct().Count() == person.Count(), $"{context}: {person.Key} has two seats in one overlap group");
        foreach (var seat in outcome.Seats)
        {
            var rank = rankings[seat.ParticipantId].IndexOf(seat.VisitId) + 1;
            Assert.True(rank > 0, $"{context}: {seat.ParticipantId} seated on {seat.VisitId}, which they did not rank");
            Assert.Equal(rank, seat.ChoiceRank);
            Assert.False(seat.PlacedByStaff);
        }

        // Waitlists: exactly the ranked visits of each group where the person holds no seat, by rank then a fixed order.
        var expectedEntries = input.Preferences.SelectMany(p => p.RankedVisitIds
                .Where(v => !outcome.Seats.Any(s => s.ParticipantId == p.ParticipantId && groups[s.VisitId] == groups[v]))
                .Select(v => (Visit: v, p.ParticipantId)))
            .Order().ToArray();
        Assert.Equal(expectedEntries, outcome.Waitlists.SelectMany(w => w.Entries.Select(e => (Visit: w.VisitId, e.ParticipantId))).Order());
        foreach (var waitlist in outcome.Waitlists)
        {
            Assert.Equal(waitlist.Entries.OrderBy(e => e.ChoiceRank).Select(e => e.ChoiceRank), waitlist.Entries.Select(e => e.ChoiceRank));
            Assert.All(waitlist.Entries, e => Assert.Equal(rankings[e.ParticipantId].IndexOf(waitlist.VisitId) + 1, e.ChoiceRank));
        }
        Assert.Equal(input.Visits.Select(v => v.Id).Order(StringComparer.Ordinal), outcome.Waitlists.Select(w => w.VisitId));

        var statistics = outcome.Statistics;
        Assert.Equal(statistics.Requests, statistics.SeatsByRank.Sum() + statistics.UnplacedRequests);
        Assert.Equal(outcome.Seats.Count, statistics.SeatsByRank.Sum());
        Assert.Equal(outcome.Seats.Sum(s => (long)s.ChoiceRank), statistics.RankSum);
        Assert.Equal(input.Preferences.Count(p => p.RankedVisitIds.Count > 0), statistics.ParticipantsWithPreferences);
        Assert.Equal(outcome.Seats.Select(s => s.ParticipantId).Distinct().Count(), statistics.ParticipantsPlaced);
        Assert.Equal(statistics.ParticipantsWithPreferences, statistics.ParticipantsPlaced + statistics.ParticipantsUnplaced);
    }

    /// <summary>Every feasible assignment, enumerated: each person takes any set of ranked visits with at most one per overlap group.</summary>
    private static (int Seats, long RankSum) BruteForce(AssignmentInput input)
    {
        var visitIds = input.Visits.Select(v => v.Id).ToList();
        var groups = OverlapGroups(input.Visits);
        var staff = input.StaffSeats ?? [];
        var free = input.Visits.Select(v => v.SeatLimit - staff.Count(s => s.VisitId == v.Id)).ToArray();
        var choices = input.Preferences.Select(p =>
        {
            var staffGroups = staff.Where(s => s.ParticipantId == p.ParticipantId).Select(s => groups[s.VisitId]).ToHashSet();
            var ranked = p.RankedVisitIds.Select((v, r) => (Visit: visitIds.IndexOf(v), Rank: r + 1))
                .Where(o => !staffGroups.Contains(groups[visitIds[o.Visit]])).ToArray();
            var sets = new List<(int Visit, int Rank)[]>();
            for (var mask = 0; mask < 1 << ranked.Length; mask++)
            {
                var set = ranked.Where((_, i) => (mask >> i & 1) == 1).ToArray();
                if (set.Select(o => groups[visitIds[o.Visit]]).Distinct().Count() == set.Length)
                    sets.Add(set);
            }
            return sets;
        }).ToArray();

        var best = (Seats: -1, RankSum: 0L);
        void Search(int person, int seats, long rankSum)
        {
            if (person == choices.Length)
            {
                if (seats > best.Seats || (seats == best.Seats && rankSum < best.RankSum))
                    best = (seats, rankSum);
                return;
            }
            foreach (var set in choices[person])
            {
                if (set.Any(o => free[o.Visit] <= 0))
                    continue;
                foreach (var o in set)
                    free[o.Visit]--;
                Search(person + 1, seats + set.Length, rankSum + set.Sum(o => o.Rank));
                foreach (var o in set)
                    free[o.Visit]++;
            }
        }
        Search(0, 0, 0);
        return best;
    }

    /// <summary>
    /// Textbook min-cost max-flow with every person as a node (source → person → visit → sink), shortest paths
    /// by Bellman-Ford (SPFA), one overlap group at a time: the independent reference for larger instances.
    /// </summary>
    private static (int Seats, long RankSum) ReferenceMinCostFlow(AssignmentInput input)
    {
        var groups = OverlapGroups(input.Visits);
        var total = (Seats: 0, RankSum: 0L);
        foreach (var group in input.Visits.GroupBy(v => groups[v.Id]))
        {
            var visits = group.ToList();
            var people = input.Preferences.Where(p => p.RankedVisitIds.Any(id => visits.Any(v => v.Id == id))).ToList();
            int source = 0, sink = 1, firstPerson = 2, firstVisit = 2 + people.Count, nodes = firstVisit + visits.Count;
            var to = new List<int>(); var capacity = new List<int>(); var cost = new List<int>();
            var edges = Enumerable.Range(0, nodes).Select(_ => new List<int>()).ToArray();
            void Edge(int a, int b, int cap, int c)
            {
                edges[a].Add(to.Count); to.Add(b); capacity.Add(cap); cost.Add(c);
                edges[b].Add(to.Count); to.Add(a); capacity.Add(0); cost.Add(-c);
            }
            for (var p = 0; p < people.Count; p++)
            {
                Edge(source, firstPerson + p, 1, 0);
                var ranked = people[p].RankedVisitIds;
                for (var r = 0; r < ranked.Count; r++)
                    if (visits.FindIndex(v => v.Id == ranked[r]) is var v and >= 0)
                        Edge(firstPerson + p, firstVisit + v, 1, r + 1);
            }
            for (var v = 0; v < visits.Count; v++)
                Edge(firstVisit + v, sink, Math.Max(0, visits[v].SeatLimit), 0);

            while (true)
            {
                var distance = Enumerable.Repeat(long.MaxValue, nodes).ToArray();
                var via = new int[nodes];
                var queued = new bool[nodes];
                var queue = new Queue<int>();
                distance[source] = 0;
                queue.Enqueue(source);
                while (queue.TryDequeue(out var a))
                {
                    queued[a] = false;
                    foreach (var e in edges[a])
                        if (capacity[e] > 0 && distance[a] + cost[e] < distance[to[e]])
                        {
                            distance[to[e]] = distance[a] + cost[e];
                            via[to[e]] = e;
                            if (!queued[to[e]])
                            {
                                queued[to[e]] = true;
                                queue.Enqueue(to[e]);
                            }
                        }
                }
                if (distance[sink] == long.MaxValue)
                    break;
                for (var n = sink; n != source; n = to[via[n] ^ 1])
                {
                    capacity[via[n]]--;
                    capacity[via[n] ^ 1]++;
                }
                total = (total.Seats + 1, total.RankSum + distance[sink]);
            }
        }
        return total;
    }

    private static string Describe(AssignmentOutcome outcome) => string.Join("\n",
        outcome.Seats.Select(s => $"{s.ParticipantId} {s.VisitId} {s.VehicleId} {s.ChoiceRank} {s.PlacedByStaff}")
            .Concat(outcome.Waitlists.Select(w => $"{w.VisitId}: {string.Join(",", w.Entries.Select(e => $"{e.ParticipantId}/{e.ChoiceRank}"))}"))
            .Append($"{string.Join(",", outcome.Statistics.SeatsByRank)} {outcome.Statistics.RankSum} {string.Join(",", outcome.Statistics.ParticipantsByBestRank)}"));
}
