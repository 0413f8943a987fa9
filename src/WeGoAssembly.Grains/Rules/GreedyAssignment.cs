namespace WeGoAssembly.Grains.Rules;

/// <summary>
/// The baseline the optimal assignment is measured against, not used to assign: people in fair order
/// (<see cref="SiteVisitAssignment.FairOrder"/>) each take, in every overlap group, their best-ranked visit that
/// still has a free seat. Same input checks, overlap groups, staff seats, vehicles and waitlists as
/// <see cref="SiteVisitAssignment.Assign"/>; only the choice of seats differs.
/// </summary>
public static class GreedyAssignment
{
    /// <summary>First come, first served in fair order. Throws INVALID_ARGUMENT on bad input.</summary>
    public static AssignmentOutcome Assign(AssignmentInput input) => SiteVisitAssignment.Run(input, Solve);

    private static int[] Solve(int visitCount, int[] seats, int[] optionStart, int[] optionVisit, int[] optionRank)
    {
        var load = new int[visitCount];
        var at = new int[optionStart.Length - 1];
        for (var p = 0; p < at.Length; p++)
        {
            at[p] = -1;
            for (var o = optionStart[p]; o < optionStart[p + 1]; o++) // options are in rank order
                if (load[optionVisit[o]] < seats[optionVisit[o]])
                {
                    at[p] = optionVisit[o];
                    load[optionVisit[o]]++;
                    break;
                }
        }
        return at;
    }
}
