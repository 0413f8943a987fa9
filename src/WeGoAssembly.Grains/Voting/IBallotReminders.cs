using WeGoAssembly.Contracts.Voting;

namespace WeGoAssembly.Grains.Voting;

/// <summary>
/// Asked by a ballot, at its reminder time, to remind the members that have not voted; the host writes to the people
/// who would cast each vote (the member's own voting delegate and alternate, or its proxy holder's), once.
/// </summary>
public interface IBallotReminders
{
    /// <summary>
    /// Queues the reminders: for each member of <paramref name="castBy"/> (the member whose vote is missing → the member
    /// whose delegation casts it). Returns once they are queued.
    /// </summary>
    Task RemindAsync(Ballot ballot, IReadOnlyDictionary<string, string> castBy);
}
