using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Localization;
using WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Web;

/// <summary>
/// The web sign-in: the session that SignIn or RedeemAccessCode returned is kept in an encrypted, HTTP-only cookie
/// that lives exactly as long as its bearer token; every screen call then sends that token. Also the language cookie.
/// </summary>
public static class WebSignIn
{
    public const string TokenClaim = "wego:token", ParticipantClaim = "wego:participant", AssemblyClaim = "wego:assembly",
        MemberCityClaim = "wego:member-city";

    public static Task SignInAsync(HttpContext http, AuthSession session)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, session.DisplayName),
            new(TokenClaim, session.BearerToken),
        };
        claims.AddRange(session.Roles.Select(r => new Claim(ClaimTypes.Role, ((Contracts.Auth.Role)r).ToString())));
        if (session.ParticipantId.Length > 0)
        {
            claims.Add(new(ParticipantClaim, session.ParticipantId));
            claims.Add(new(AssemblyClaim, session.AssemblyId));
            claims.Add(new(MemberCityClaim, session.MemberCityId));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
        return http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal,
            new AuthenticationProperties { ExpiresUtc = session.ExpiresAt.ToDateTimeOffset(), IsPersistent = true });
    }

    /// <summary>The browser's address in gRPC's peer form, so the sign-in rate limit counts per address as for gRPC callers.</summary>
    public static string Peer(HttpContext http) => http.Connection.RemoteIpAddress is { } a
        ? $"ipv{(a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 6 : 4)}:{a}:{http.Connection.RemotePort}"
        : "web";

    /// <summary>Where a signed-in user starts.</summary>
    public static string Home(AuthSession session) => session.Roles.Contains(UserRole.Secretariat) ? "/secretariat"
        : session.Roles.Contains(UserRole.Logistics) ? "/logistics"
        : session.Roles.Contains(UserRole.FocalPoint) ? "/delegation"
        : "/vote";

    /// <summary>A return address that stays on this site ("/x", never "//host" or "https://...").</summary>
    public static string? LocalReturn(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url : null;

    public static void MapSignInEndpoints(this WebApplication app)
    {
        app.MapPost("/signout", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            await antiforgery.ValidateRequestAsync(http);
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signin");
        }).DisableAntiforgery();   // validated above, explicitly, as the form carries no bound parameters

        app.MapGet("/language", (HttpContext http, string? lang, string? @return) =>
        {
            var code = Lang.Supported.Contains(lang) ? lang! : "en";
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(code)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
            return Results.LocalRedirect(LocalReturn(@return) ?? "/");
        });
    }
}
