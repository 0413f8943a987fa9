using Orleans;
namespace WeGoAssembly.Contracts.Voting;

/// <summary>Which majority a motion needs; numbers equal the proto MajorityRule values.</summary>
[GenerateSerializer, Alias("wego.MajorityRule")]
public enum MajorityRule
{
    /// <summary>More than half of yes + no (abstentions and blanks excluded): floor(n/2)+1.</summary>
    SimpleMajorityOfVotesCast = 1,
    /// <summary>At least two thirds of yes + no.</summary>
    TwoThirdsOfVotesCast = 2,
    /// <summary>More than half of the voting-eligible members, however many voted.</summary>
    AbsoluteMajorityOfEligible = 3,
}

/// <summary>A vote on a motion; numbers equal the proto MotionChoice values.</summary>
[GenerateSerializer, Alias("wego.MotionChoice")]
public enum MotionChoice { Yes = 1, No = 2, Abstain = 3 }

/// <summary>How a ballot ended; numbers equal the proto BallotOutcome values.</summary>
[GenerateSerializer, Alias("wego.BallotOutcome")]
public enum BallotOutcome { Adopted = 1, Rejected = 2, Tie = 3, NoQuorum = 4, Elected = 5, RunoffNeeded = 6, TieForChair = 7 }
