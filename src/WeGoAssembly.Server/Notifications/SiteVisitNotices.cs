using System.ComponentModel;
using Hangfire;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Logistics;
using WeGoAssembly.Grains.Logistics;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Server.Notifications;

/// <summary>Hands a change of placements to <see cref="SiteVisitNoticeJob"/>, outside the grain's turn.</summary>
public sealed partial class SiteVisitNotices(IBackgroundJobClient jobs, ILogger<SiteVisitNotices> logger) : IPlacementNotices
{
    public Task PlacementsChangedAsync(string assemblyId) => Task.Run(() =>
    {
        try
        {
            jobs.Enqueue<SiteVisitNoticeJob>(j => j.SendAsync(assemblyId, CancellationToken.None));
        }
        catch (Exception e)
        {
            // The change is stored; its e-mails go out with the next change of this assembly's placements.
            NotQueued(logger, assemblyId, e);
        }
    });

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not queue the site-visit e-mails of assembly {AssemblyId}")]
    private static partial void NotQueued(ILogger logger, string assemblyId, Exception exception);
}

/// <summary>
/// Queues an e-mail for every placement not yet told: a seat, a waitlist place, a seat reached from the waitlist.
/// Runs after the preference cut-off only (an assignment run before it is a preview, not news); the delivery log's
/// keys make a second run queue nothing twice.
/// </summary>
public sealed class SiteVisitNoticeJob(IGrainFactory grains, Notifier notifier, TimeProvider clock)
{
    [DisplayName("Site-visit e-mails of {0}")]
    [DisableConcurrentExecution("wego:site-visit-notices:{0}", 300)]
    public async Task SendAsync(string assemblyId, CancellationToken cancellationToken)
    {
        var plan = grains.GetGrain<ISiteVisitPlanGrain>(assemblyId);
        if (await plan.GetPreferencesCutoffAsync() is not { } cutoff || clock.GetUtcNow() < cutoff)
            return;
        if (await plan.GetAssignmentAsync() is not { } assignment)
            return;
        var visits = (await plan.GetVisitsAsync()).ToDictionary(v => v.Id, StringComparer.Ordinal);
        var promoted = (await plan.GetPromotionsAsync()).Select(p => (p.ParticipantId, p.SiteVisitId)).ToHashSet();
        foreach (var delegation in assignment.Placements.GroupBy(p => DelegationOf(p.ParticipantId)))
        {
            var people = (await grains.GetGrain<IDelegationGrain>(delegation.Key).GetAsync()).Participants.ToDictionary(p => p.Id, StringComparer.Ordinal);
            foreach (var placement in delegation)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (people.TryGetValue(placement.ParticipantId, out var person) && visits.TryGetValue(placement.SiteVisitId, out var visit))
                    await notifier.QueueAsync(person, new SiteVisitNotice(visit, placement, promoted.Contains((placement.ParticipantId, placement.SiteVisitId))));
            }
        }
    }

    private static string DelegationOf(string participantId)
    {
        var (assemblyId, memberCityId) = ParticipantIds.Parse("participant_id", participantId);
        return ParticipantIds.DelegationKey(assemblyId, memberCityId);
    }
}
