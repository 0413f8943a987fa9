using Microsoft.Playwright;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

/// <summary>The page a person sees first on the web port, in the real browser.</summary>
[Collection(WebCollection.Name)]
public sealed class LandingPageTests(WebApp web, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Screen.All), MemberType = typeof(Screen))]
    public Task Landing_page_names_the_system(string screen) =>
        web.JourneyAsync(output, Screen.Named(screen), async journey =>
        {
            var response = await journey.GotoAsync("/");
            Assert.Equal(200, response?.Status);
            await Expect(journey.Page).ToHaveTitleAsync("WeGoAssembly");
            await Expect(journey.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("WeGoAssembly");
            await journey.StepAsync("landing");
        });
}
