using Hangfire;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Storage.Notifications;

namespace WeGoAssembly.Server.Notifications;

/// <summary>
/// Queues e-mails: writes the message in the recipient's language, stores it in the delivery log once per event, and
/// hands it to <see cref="MailJob"/> (or holds it for the secretariat when no mail server is configured). Called after
/// the change it reports is stored; a failure here is logged and does not undo or fail that change.
/// </summary>
public sealed partial class Notifier(
    NotificationLog log, IBackgroundJobClient jobs, MailOptions mail, SecretBox secrets, IGrainFactory grains, ILogger<Notifier> logger)
{
    /// <summary>
    /// Queues <paramref name="notice"/> for <paramref name="to"/> (<paramref name="accessCode"/> sealed apart from the body);
    /// a failure is logged, not thrown: the change it reports is stored and stands.
    /// </summary>
    public async Task NotifyAsync(Participant to, Notice notice, string? accessCode = null, CancellationToken ct = default)
    {
        try
        {
            await QueueAsync(to, notice, accessCode);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            NotQueued(logger, notice.Kind, to.Id, e);
        }
    }

    /// <summary>Queues <paramref name="notice"/> for <paramref name="to"/>, throwing on failure (for jobs, which Hangfire retries).</summary>
    public async Task QueueAsync(Participant to, Notice notice, string? accessCode = null)
    {
        var assembly = await grains.GetGrain<IAssemblyGrain>(to.AssemblyId).GetAsync()
            ?? throw new InvalidOperationException($"Assembly {to.AssemblyId} is not found.");
        var city = await grains.GetGrain<IMemberCityGrain>(to.MemberCityId).GetAsync();
        var m = new MailContext(to, assembly, (to.Language == "ko" ? city?.NameLocal : city?.NameEn) is { Length: > 0 } name ? name : to.MemberCityId, mail.SiteUrl);
        var (subject, body) = notice.Write(m);
        var draft = new NotificationDraft(notice.DedupeKey(to), to.AssemblyId, to.Id, notice.Kind, to.Language, to.DisplayName, to.Email,
            subject, body, accessCode is null ? null : secrets.Seal(accessCode));
        var id = await log.QueueAsync(draft, mail.Enabled ? NotificationStatus.Queued : NotificationStatus.Held);
        if (id is { } queued && mail.Enabled)
            jobs.Enqueue<MailJob>(j => j.SendAsync(queued, CancellationToken.None));
    }

    /// <summary>Queues <paramref name="notice"/> for the participant of that id (nothing when there is none).</summary>
    public async Task NotifyAsync(string participantId, Notice notice, CancellationToken ct = default)
    {
        Participant? participant;
        try
        {
            var (assemblyId, memberCityId) = ParticipantIds.Parse("participant_id", participantId);
            var delegation = await grains.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(assemblyId, memberCityId)).GetAsync();
            participant = delegation.Participants.FirstOrDefault(p => p.Id == participantId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            NotQueued(logger, notice.Kind, participantId, e);
            return;
        }
        if (participant is not null)
            await NotifyAsync(participant, notice, ct: ct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not queue the {Kind} e-mail to participant {ParticipantId}")]
    private static partial void NotQueued(ILogger logger, string kind, string participantId, Exception exception);
}
