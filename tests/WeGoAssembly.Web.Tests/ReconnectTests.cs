using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

/// <summary>Live views come back by themselves after a network drop, without a reload, and keep working.</summary>
[Collection(WebCollection.Name)]
public sealed class ReconnectTests(WebApp web, ITestOutputHelper output)
{
    [Fact]
    public async Task After_a_network_drop_the_vote_page_comes_back_by_itself_shows_the_ballot_opened_meanwhile_and_takes_the_vote()
    {
        var scene = await AssemblyScene.CreateAsync(web.Server);
        var code = await scene.QuorumInTheHallAsync();
        await using var link = new CuttableLink(web.Server.WebAddress);

        await using var context = await web.Browser.NewContextAsync(new()
        {
            BaseURL = link.Address.ToString(), ViewportSize = new() { Width = Screen.Phone.Width, Height = Screen.Phone.Height },
            IsMobile = true, HasTouch = true, Locale = "en-GB",
        });
        context.SetDefaultTimeout(30_000);
        var folder = Path.Combine(WebApp.ScreenshotRoot, $"{nameof(ReconnectTests)}.phone");
        Directory.CreateDirectory(folder);
        var journey = new Journey(await context.NewPageAsync(), folder, output);
        var page = journey.Page;

        await journey.GotoAsync("/signin");
        await page.GetByLabel("Access code").FillAsync(code);
        await page.GetByRole(AriaRole.Region, new() { Name = "Delegates and participants" })
            .GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/vote$"));
        await Expect(page.GetByText("No ballot is open right now")).ToBeVisibleAsync();
        await Expect(page.Locator("main[data-interactive=true]")).ToBeVisibleAsync();
        await journey.StepAsync("waiting-for-a-ballot");

        // The network goes away: the page says so and keeps trying.
        link.Cut();
        var notice = page.Locator("#components-reconnect-modal");
        await Expect(notice).ToBeVisibleAsync();
        await Expect(notice).ToContainTextAsync("reconnecting");
        await journey.StepAsync("connection-lost");

        // Meanwhile the secretariat opens a ballot.
        var ballot = await scene.OpenMotionAsync("Adopt the 2024 budget?", "2024년 예산안을 채택합니까?");

        // The network comes back: the page finds the server again by itself and shows the ballot.
        link.Restore();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Adopt the 2024 budget?" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(notice).ToBeHiddenAsync();
        await journey.StepAsync("reconnected");

        await page.GetByLabel("No").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Review my vote" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cast my vote" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your vote is counted" })).ToBeVisibleAsync();
        await journey.StepAsync("voted-after-reconnect");

        var result = await scene.CloseAsync(ballot.Id);
        Assert.Equal(1, result.Counts.Single(c => c.MotionChoice == Protos.V1.MotionChoice.No).Votes);
        // While the link was cut the browser logged its failed connection attempts; nothing else may fail.
        // While the link was cut the browser logged its failed connection attempts (and, resuming, the render batches
        // made meanwhile, after which the page reloaded itself); nothing else may fail.
        Assert.All(journey.ConsoleErrors, e => Assert.Matches("WebSocket|[Cc]onnection|Failed to (fetch|load resource)|ERR_|applying batch|unhandled exception on the current circuit", e));
    }
}
