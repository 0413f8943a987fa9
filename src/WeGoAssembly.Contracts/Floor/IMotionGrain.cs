using Orleans;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Contracts.Voting;

namespace WeGoAssembly.Contracts.Floor;

/// <summary>
/// The motion of one decision item, keyed by the item id: its text and the amendments to it. Amendments are voted
/// before the main motion, in the chair's order; the ballots tell this grain when they open (a check, refused out of
/// order) and when they close (an adopted amendment changes the text).
/// </summary>
[Alias("wego.IMotionGrain")]
public interface IMotionGrain : IAuditedGrain, IWatchable
{
    /// <summary>Tables the text (paragraphs); refused once amendments have been submitted.</summary>
    Task<Motion> SetTextAsync(IReadOnlyList<string> paragraphs, string actor);

    /// <summary>The motion; NOT_FOUND when the item does not exist.</summary>
    Task<Motion> GetAsync();

    Task<(Motion Motion, Amendment Amendment)> SubmitAsync(string memberCityId, AmendmentDraft draft, string actor);

    /// <summary>Withdraws an amendment not yet voted on; with <paramref name="onlyOf"/>, only that delegation's own.</summary>
    Task<Motion> WithdrawAsync(string amendmentId, string? onlyOf, string actor);

    /// <summary>The chair admits a submitted amendment (last in the voting order) or rules it out of order, with a reason.</summary>
    Task<Motion> DecideAsync(string amendmentId, bool admit, string reason, string actor);

    /// <summary>The voting order of the admitted amendments not yet voted on.</summary>
    Task<Motion> OrderAsync(IReadOnlyList<string> amendmentIds, string actor);

    /// <summary>FAILED_PRECONDITION when a ballot on the item may not open now: an amendment out of its order, or the main motion before its amendments.</summary>
    Task BallotOpeningAsync(string ballotId, string amendmentId);

    /// <summary>A ballot on the item closed: an adopted amendment changes the text; a decided main motion takes no more amendments.</summary>
    Task BallotClosedAsync(string ballotId, string amendmentId, BallotOutcome outcome);
}
