using WeGoAssembly.Contracts.Membership;

namespace WeGoAssembly.Grains.Rules;

/// <summary>Whether a member may vote at an assembly, and why not when it may not.</summary>
public sealed record EligibilityDecision(bool Eligible, string Reason);

/// <summary>
/// Who votes at a General Assembly held in year Y: a Full member, not suspended or withdrawn, whose
/// dues are paid through year Y-1 (the same rule as UCLG Constitution art. 36).
/// </summary>
public static class VotingEligibility
{
    public static EligibilityDecision Decide(MemberCity member, int assemblyYear)
    {
        if (member.Category != MemberCategory.Full)
            return new(false, $"{member.Category} members do not vote; only Full members do.");
        if (member.Status != MemberStatus.Active)
            return new(false, $"The member is {member.Status.ToString().ToLowerInvariant()}.");
        var required = assemblyYear - 1;
        if (member.DuesPaidThroughYear < required)
            return new(false, member.DuesPaidThroughYear == 0
                ? $"No dues are recorded; they must be paid through {required} to vote in {assemblyYear}."
                : $"Dues are paid through {member.DuesPaidThroughYear}; they must be paid through {required} to vote in {assemblyYear}.");
        return new(true, $"Full member in good standing, dues paid through {member.DuesPaidThroughYear}.");
    }
}
