using System.ComponentModel;
using Hangfire;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Grains.Voting;

namespace WeGoAssembly.Server.Notifications;

/// <summary>Hands a ballot's reminder to <see cref="BallotReminderJob"/>, outside the grain's turn.</summary>
public sealed class BallotReminders(IBackgroundJobClient jobs) : IBallotReminders
{
    // A failure to queue throws: the ballot's reminder delivery fails and Hangfire delivers it again.
    public Task RemindAsync(Ballot ballot, IReadOnlyDictionary<string, string> castBy) =>
        Task.Run(() => jobs.Enqueue<BallotReminderJob>(j => j.SendAsync(ballot.Id, new Dictionary<string, string>(castBy), CancellationToken.None)));
}

/// <summary>
/// Writes to the voting delegate and the alternate (approved or badged) of the delegation that casts each missing
/// vote. Nothing once the ballot has closed; once per person and missing vote. A message that cannot be queued fails
/// the job, which Hangfire runs again (what was queued is not queued twice).
/// </summary>
public sealed class BallotReminderJob(IGrainFactory grains, Notifier notifier)
{
    [DisplayName("Reminder of ballot {0}")]
    public async Task SendAsync(string ballotId, Dictionary<string, string> castBy, CancellationToken cancellationToken)
    {
        var ballot = (await grains.GetGrain<IBallotGrain>(ballotId).GetAsync()).Ballot;
        if (ballot.Status != BallotStatus.Open)
            return;
        foreach (var caster in castBy.GroupBy(m => m.Value, m => m.Key, StringComparer.Ordinal))
        {
            var voters = (await grains.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(ballot.AssemblyId, caster.Key)).GetAsync()).Participants
                .Where(p => p.Role is ParticipantRole.VotingDelegate or ParticipantRole.Alternate
                            && p.Status is AccreditationStatus.Approved or AccreditationStatus.BadgeIssued)
                .ToArray();
            foreach (var member in caster)
            {
                var city = await grains.GetGrain<IMemberCityGrain>(member).GetAsync();
                foreach (var voter in voters)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await notifier.QueueAsync(voter, new BallotReminderNotice(ballot, member, city?.NameEn ?? member, city?.NameLocal ?? ""));
                }
            }
        }
    }
}
