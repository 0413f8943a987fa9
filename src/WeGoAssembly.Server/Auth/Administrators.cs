using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Server.Web;

namespace WeGoAssembly.Server.Auth;

/// <summary>Who may open the operators' dashboards (jobs, cluster): administrators, the secretariat role that manages staff accounts.</summary>
public static class Administrators
{
    /// <summary>
    /// True for a signed-in administrator whose account still stands (the same check as every screen's, so a disabled
    /// account is shut out at once, not when its cookie ends).
    /// </summary>
    public static async Task<bool> AllowAsync(HttpContext http, AccessCheck access)
    {
        if (!http.User.IsInRole(nameof(Role.Secretariat)))
            return false;
        var caller = await access.ContextAsync(WebUser.From(http.User).Token, "web", http.RequestAborted);
        return caller.Identity?.Roles.Contains(Role.Secretariat) == true;
    }
}
