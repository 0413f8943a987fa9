using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Hangfire;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Auth;
using WeGoAssembly.Server.Notifications;
using WeGoAssembly.Storage.Notifications;
using Status = WeGoAssembly.Storage.Notifications.NotificationStatus;

namespace WeGoAssembly.Server.Application;

/// <summary>The e-mail delivery log, for the secretariat: list and filter, one message with its history, re-send.</summary>
public sealed class NotificationUseCases(NotificationLog log, IBackgroundJobClient jobs, MailOptions mail)
{
    private const int MaxFilterLength = 200;

    public async Task<ListNotificationsResponse> ListNotifications(ListNotificationsRequest request, CallContext context)
    {
        context.Require(Role.Secretariat);
        var query = new NotificationQuery(
            Text("assembly_id", request.AssemblyId), StatusOf(request.Status), Text("kind", request.Kind), Text("recipient", request.Recipient));
        var pageSize = RequestChecks.PageSize(request.PageSize, defaultSize: 50, max: 200);
        // One more than asked tells whether an older page exists, so the last page has no token.
        var entries = await log.ListAsync(query, RequestChecks.BeforeNumber(request.PageToken), pageSize + 1, context.CancellationToken);
        var page = entries.Take(pageSize).ToArray();
        var response = new ListNotificationsResponse
        {
            NextPageToken = entries.Count > pageSize ? RequestChecks.PageToken(page[^1].Id.ToString(CultureInfo.InvariantCulture)) : "",
        };
        response.Notifications.AddRange(page.Select(ToProto));
        return response;
    }

    public async Task<GetNotificationResponse> GetNotification(GetNotificationRequest request, CallContext context)
    {
        context.Require(Role.Secretariat);
        var entry = await FindAsync(request.Id, context.CancellationToken);
        var response = new GetNotificationResponse { Notification = ToProto(entry) };
        response.Events.AddRange((await log.EventsAsync(entry.Id, context.CancellationToken)).Select(e => new Protos.V1.NotificationEvent
        {
            At = Timestamp.FromDateTimeOffset(e.At), What = e.What, Detail = e.Detail,
        }));
        return response;
    }

    public async Task<ResendNotificationResponse> ResendNotification(ResendNotificationRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var entry = await FindAsync(request.Id, context.CancellationToken);
        if (!mail.Enabled)
            throw new DomainException(DomainErrorKind.StateConflict,
                $"No mail server is configured (Mail:Host), so message {entry.Id} cannot be sent; pass it on to {entry.RecipientEmail} by hand.");
        if ((entry.Kind is AccessCodeNotice.KindName or FocalPointInviteNotice.KindName) && !entry.HoldsSecret)
            throw new DomainException(DomainErrorKind.StateConflict,
                $"Message {entry.Id} carried an access code, which the server erases once it is sent and cannot send again; " +
                (entry.Kind == FocalPointInviteNotice.KindName
                    ? "invite the focal point again for a new sign-in link."
                    : "the person who registered the participant was shown the code."));
        await log.RequeueAsync(entry.Id, caller.Actor, context.CancellationToken);
        jobs.Enqueue<MailJob>(j => j.SendAsync(entry.Id, CancellationToken.None));
        return new() { Notification = ToProto((await log.GetAsync(entry.Id, context.CancellationToken))!) };
    }

    private async Task<NotificationEntry> FindAsync(long id, CancellationToken ct) =>
        id <= 0 ? throw DomainException.Invalid("id", $"id {id} is not a message number; ListNotifications gives them.")
        : await log.GetAsync(id, ct) ?? throw DomainException.NotFound($"There is no message {id} in the delivery log; ListNotifications lists them.");

    private static string? Text(string field, string value)
    {
        if (value.Length == 0)
            return null;
        if (value.Length > MaxFilterLength || value.Any(char.IsControl))
            throw DomainException.Invalid(field, $"{field} must be at most {MaxFilterLength} characters on one line.");
        return value;
    }

    private static Status? StatusOf(Protos.V1.NotificationStatus status) => status switch
    {
        Protos.V1.NotificationStatus.Unspecified => null,
        Protos.V1.NotificationStatus.Queued => Status.Queued,
        Protos.V1.NotificationStatus.Sent => Status.Sent,
        Protos.V1.NotificationStatus.Failed => Status.Failed,
        Protos.V1.NotificationStatus.Held => Status.Held,
        _ => throw DomainException.Invalid("status", $"status {(int)status} is not queued, sent, failed or held."),
    };

    private static Notification ToProto(NotificationEntry e) => new()
    {
        Id = e.Id,
        AssemblyId = e.AssemblyId,
        ParticipantId = e.ParticipantId,
        Kind = e.Kind,
        Language = e.Language,
        RecipientName = e.RecipientName,
        RecipientEmail = e.RecipientEmail,
        Subject = e.Subject,
        Body = e.Body,
        Status = e.Status switch
        {
            Status.Queued => Protos.V1.NotificationStatus.Queued,
            Status.Sent => Protos.V1.NotificationStatus.Sent,
            Status.Failed => Protos.V1.NotificationStatus.Failed,
            _ => Protos.V1.NotificationStatus.Held,
        },
        Attempts = e.Attempts,
        LastError = e.LastError,
        CreatedAt = Timestamp.FromDateTimeOffset(e.CreatedAt),
        SentAt = e.SentAt is { } sent ? Timestamp.FromDateTimeOffset(sent) : null,
    };
}
