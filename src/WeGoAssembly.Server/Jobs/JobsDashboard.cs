using Hangfire;
using Hangfire.Dashboard;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Jobs;

/// <summary>Hangfire's dashboard at /jobs on the web port, for administrators (secretariat staff) only.</summary>
public static class JobsDashboard
{
    public const string Path = "/jobs";

    public static void MapJobsDashboard(this WebApplication app) =>
        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            Authorization = [],   // instead of Hangfire's default, local requests only
            AsyncAuthorization = [new AdministratorsOnly(app.Services.GetRequiredService<AccessCheck>())],
            AppPath = "/secretariat",
            DashboardTitle = "WeGoAssembly jobs",
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>());

    /// <summary>An administrator passes (<see cref="Administrators"/>); Hangfire answers anyone else 401 (not signed in) or 403.</summary>
    private sealed class AdministratorsOnly(AccessCheck access) : IDashboardAsyncAuthorizationFilter
    {
        public Task<bool> AuthorizeAsync(DashboardContext context) => Administrators.AllowAsync(context.GetHttpContext(), access);
    }
}
