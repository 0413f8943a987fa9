using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.FileProviders;
using WeGoAssembly.Server.Auth;

namespace WeGoAssembly.Server.Web;

/// <summary>The web UI in the host: Blazor with interactive server rendering, cookie sign-in, English and Korean.</summary>
public static class WebUi
{
    public static IServiceCollection AddWebUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddAuthentication().AddCookie(o =>
        {
            o.Cookie.Name = "wego.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.LoginPath = "/signin";
            o.AccessDeniedPath = "/access-denied";
            o.ReturnUrlParameter = "return";
            // The cookie ends with the bearer token it carries (set at sign-in); it is not slid forward.
            o.SlidingExpiration = false;
            // A browser navigating is sent to sign in (or told it is not for its role); a script's request is answered
            // with the status, which it can act on, rather than with a redirect to a page.
            o.Events.OnRedirectToLogin = c => RedirectOrAnswer(c, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = c => RedirectOrAnswer(c, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorization();
        services.AddScoped<WebApi>();
        return services;
    }

    private static Task RedirectOrAnswer(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (WantsPage(context.Request))
            context.Response.Redirect(context.RedirectUri);
        else
            context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>Whether the request is a browser asking for a page (rather than a script asking for data).</summary>
    private static bool WantsPage(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A browser asking for a page that does not exist (or getting a status without a body, such as 403) gets a page
    /// that says so and leads on, not a bare status. Only for a browser's GET of a page: gRPC, downloads, scripts and
    /// form posts keep their status as it is. Comes before routing, so that the page's route is found when the request runs again.
    /// </summary>
    public static void UseStatusPages(this WebApplication app)
    {
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.Use((http, next) =>
        {
            if ((!WantsPage(http.Request) || !HttpMethods.IsGet(http.Request.Method))
                && http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
                pages.Enabled = false;
            return next(http);
        });
    }

    /// <summary>The web UI's middleware: language, who is signed in (cookie for pages, bearer for gRPC), antiforgery.</summary>
    public static void UseWebUi(this WebApplication app)
    {
        // Pages only: a gRPC call has no language to pick.
        app.UseWhen(http => !BearerAuthentication.IsGrpc(http.Request), pages => pages.UseRequestLocalization(o =>
        {
            o.SetDefaultCulture(Lang.Supported[0]).AddSupportedCultures(Lang.Supported).AddSupportedUICultures(Lang.Supported);
            // The language is what the person chose on the page (the cookie), not the browser's Accept-Language.
            o.RequestCultureProviders = [new Microsoft.AspNetCore.Localization.CookieRequestCultureProvider()];
        }));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
    }

    /// <summary>The web UI's endpoints: the framework's own scripts, our stylesheet, sign-in, downloads and the pages.</summary>
    public static void MapWebUi(this WebApplication app)
    {
        // The framework's own scripts (blazor.web.js), named by the manifest the SDK writes beside the server's dll.
        app.MapStaticAssets(Path.Combine(AppContext.BaseDirectory, typeof(App).Assembly.GetName().Name + ".staticwebassets.endpoints.json"));
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new EmbeddedFileProvider(typeof(App).Assembly, typeof(App).Namespace + ".Assets") });
        app.MapSignInEndpoints();
        app.MapDownloads();
        app.MapDoorScan();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }
}
