using WeGoAssembly.Grains.Logistics;
using WeGoAssembly.Grains.Voting;

namespace WeGoAssembly.Server.Notifications;

/// <summary>Registers the e-mail notifications: settings, the notifier, the jobs that send, and the placement e-mails.</summary>
public static class NotificationsServiceCollectionExtensions
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, MailOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<SecretBox>();
        services.AddSingleton<Notifier>();
        services.AddTransient<MailJob>();
        services.AddTransient<MailSweepJob>();
        services.AddTransient<SiteVisitNoticeJob>();
        services.AddSingleton<IPlacementNotices, SiteVisitNotices>();
        services.AddTransient<BallotReminderJob>();
        services.AddSingleton<IBallotReminders, BallotReminders>();
        return services;
    }
}
