using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Services;

/// <summary>The gRPC edge of <see cref="NotificationUseCases"/>: the e-mail delivery log, secretariat only.</summary>
[Authorize(AuthenticationSchemes = BearerAuthentication.Scheme)]
public sealed class NotificationGrpcService(NotificationUseCases useCases) : NotificationService.NotificationServiceBase
{
    [Authorize(Roles = "Secretariat")]
    public override Task<ListNotificationsResponse> ListNotifications(ListNotificationsRequest request, ServerCallContext context) =>
        useCases.ListNotifications(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<GetNotificationResponse> GetNotification(GetNotificationRequest request, ServerCallContext context) =>
        useCases.GetNotification(request, context.ToCallContext());

    [Authorize(Roles = "Secretariat")]
    public override Task<ResendNotificationResponse> ResendNotification(ResendNotificationRequest request, ServerCallContext context) =>
        useCases.ResendNotification(request, context.ToCallContext());
}
