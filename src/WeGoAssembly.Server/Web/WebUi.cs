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
            o.ReturnUrlParameter = "return";
            // The cookie ends with the bearer token it carries (set at sign-in); it is not slid forward.
            o.SlidingExpiration = false;
        });
        services.AddAuthorization();
        services.AddScoped<WebApi>();
        return services;
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
        app.MapLogisticsDownloads();
        app.MapDoorScan();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }
}
