using Hangfire;
using Hangfire.Dashboard;
using WeGoAssembly.Contracts.Auth;

namespace WeGoAssembly.Server.Jobs;

/// <summary>Hangfire's dashboard at /jobs on the web port, for administrators (secretariat staff) only.</summary>
public static class JobsDashboard
{
    public const string Path = "/jobs";

    public static void MapJobsDashboard(this WebApplication app) =>
        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            Authorization = [new AdministratorsOnly()],
            AppPath = "/secretariat",
            DashboardTitle = "WeGoAssembly jobs",
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>());

    /// <summary>
    /// A signed-in administrator passes; Hangfire answers anyone else 401 (not signed in) or 403 (signed in without
    /// the role). The secretariat role is the administrators' (it manages the staff accounts).
    /// </summary>
    private sealed class AdministratorsOnly : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) =>
            context.GetHttpContext().User.IsInRole(nameof(Role.Secretariat));
    }
}
