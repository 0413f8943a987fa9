using Orleans.Dashboard;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Hosting;

/// <summary>
/// The Orleans Dashboard (silos, grains, calls per second) at /cluster on the web port, for administrators only:
/// 401 to a caller not signed in, 403 to staff without the role. Its grain-call profiling runs only while someone
/// has it open (Orleans' default), so it costs the vote path nothing otherwise.
/// </summary>
public static class ClusterDashboard
{
    public const string Path = "/cluster";

    public static void MapClusterDashboard(this WebApplication app)
    {
        var access = app.Services.GetRequiredService<AccessCheck>();
        app.MapOrleansDashboard(Path).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.User.Identity?.IsAuthenticated != true)
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            if (!await Administrators.AllowAsync(http, access))
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            return await next(context);
        });
    }
}
