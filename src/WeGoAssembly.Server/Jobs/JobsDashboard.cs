using Hangfire;
using Hangfire.Dashboard;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Server.Auth;
using WeGoAssembly.Server.Web;

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

    /// <summary>
    /// A signed-in administrator passes: the secretariat role, which manages the staff accounts, held by an account that
    /// still stands (the same check as every screen's, so a disabled account is shut out at once, not when its cookie
    /// ends). Hangfire answers anyone else 401 (not signed in) or 403 (signed in without the role).
    /// </summary>
    private sealed class AdministratorsOnly(AccessCheck access) : IDashboardAsyncAuthorizationFilter
    {
        public async Task<bool> AuthorizeAsync(DashboardContext context)
        {
            var http = context.GetHttpContext();
            if (!http.User.IsInRole(nameof(Role.Secretariat)))
                return false;
            var caller = await access.ContextAsync(WebUser.From(http.User).Token, "web", http.RequestAborted);
            return caller.Identity?.Roles.Contains(Role.Secretariat) == true;
        }
    }
}
