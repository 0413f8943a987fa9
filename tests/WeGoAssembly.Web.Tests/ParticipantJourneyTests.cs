using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

/// <summary>A delegate's journeys through the real screens: sign in with an access code, vote, badge, delegation, travel.</summary>
[Collection(WebCollection.Name)]
public sealed partial class ParticipantJourneyTests(WebApp web, ITestOutputHelper output)
{
    /// <summary>Signs in on /signin with the code, as a person types it, and waits for the start page the sign-in leads to.</summary>
    internal static async Task SignInAsync(Journey journey, string accessCode, string landsOn = "/vote")
    {
        await journey.GotoAsync("/signin");
        await journey.Page.GetByLabel("Access code").FillAsync(accessCode);
        await journey.Page.GetByRole(AriaRole.Region, new() { Name = "Delegates and participants" })
            .GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Polls the address and the page, not the browser's load events: after the sign-in's redirect those can
        // reach Playwright out of order, so waiting for "load" sometimes never ends (seen in CI).
        await Expect(journey.Page).ToHaveURLAsync(new Regex(Regex.Escape(landsOn) + "$"));
        await journey.LiveAsync();
    }

    [Theory]
    [MemberData(nameof(Screen.All), MemberType = typeof(Screen))]
    public async Task A_delegate_signs_in_votes_confirms_and_sees_the_receipt(string screen)
    {
        var scene = await AssemblyScene.CreateAsync(web.Server);
        var (code, ballot) = await scene.BudgetVoteOpenAsync();

        await web.JourneyAsync(output, Screen.Named(screen), async journey =>
        {
            var page = journey.Page;
            await SignInAsync(journey, code);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Adopt the 2024 budget?" })).ToBeVisibleAsync();
            await journey.StepAsync("open-ballot");

            await page.GetByLabel("Yes").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Review my vote" }).ClickAsync();
            await Expect(page.Locator(".your-choice")).ToHaveTextAsync("Yes");
            await journey.StepAsync("confirm");

            await page.GetByRole(AriaRole.Button, new() { Name = "Cast my vote" }).ClickAsync();
            var receipt = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your vote is counted" });
            await Expect(receipt).ToBeVisibleAsync();
            await Expect(receipt.Locator(".receipt-id")).Not.ToBeEmptyAsync();
            await journey.StepAsync("receipt");
        });

        var result = await scene.CloseAsync(ballot.Id);
        Assert.Equal(1, result.VotesCast);
        Assert.Equal(1, result.Counts.Single(c => c.MotionChoice == MotionChoice.Yes).Votes);
    }

    [Fact]
    public async Task The_vote_page_takes_no_choice_until_it_is_live_so_none_is_lost()
    {
        var scene = await AssemblyScene.CreateAsync(web.Server);
        var (code, _) = await scene.BudgetVoteOpenAsync();

        await web.JourneyAsync(output, Screen.Phone, async journey =>
        {
            var page = journey.Page;
            await SignInAsync(journey, code);
            // Slow hall Wi-Fi, held still: the page's live connection waits until the test lets it through.
            var held = new TaskCompletionSource();
            await page.RouteAsync("**/_blazor/negotiate**", async route =>
            {
                await held.Task;
                await route.ContinueAsync();
            });
            await page.GotoAsync("/vote", new() { WaitUntil = WaitUntilState.DOMContentLoaded });   // the network is never idle here
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Adopt the 2024 budget?" })).ToBeVisibleAsync();
            await Expect(page.Locator("main[data-interactive=false]")).ToBeAttachedAsync();
            await Expect(page.GetByLabel("Yes")).ToBeDisabledAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Review my vote" })).ToBeDisabledAsync();
            await journey.StepAsync("not-live-yet");

            held.SetResult();
            await journey.LiveAsync();
            await page.GetByLabel("No").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Review my vote" }).ClickAsync();
            await Expect(page.Locator(".your-choice")).ToHaveTextAsync("No");
        });
    }

    [Fact]
    public async Task A_wrong_access_code_says_what_to_do_and_signs_no_one_in()
    {
        await web.JourneyAsync(output, Screen.Phone, async journey =>
        {
            var page = journey.Page;
            await journey.GotoAsync("/signin");
            await page.GetByLabel("Access code").FillAsync("AAAA-BBBB-CCCC-DDDD");
            await page.GetByRole(AriaRole.Region, new() { Name = "Delegates and participants" })
                .GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            var problem = page.GetByRole(AriaRole.Alert);
            await Expect(problem).ToBeVisibleAsync();
            await Expect(problem).ToContainTextAsync("access code");
            await journey.StepAsync("refused");
            Assert.EndsWith("/signin", new Uri(page.Url).AbsolutePath);
            // No session cookie was set: a participant page sends the browser back to sign in.
            await journey.GotoAsync("/vote");
            Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);
            await Expect(page.GetByLabel("Access code")).ToBeEmptyAsync();
        });
    }

    [Fact]
    public async Task The_Korean_switch_changes_the_labels_and_keeps_the_page()
    {
        var scene = await AssemblyScene.CreateAsync(web.Server);
        var (_, code) = await scene.DelegateAsync("seoul", checkIn: false);

        await web.JourneyAsync(output, Screen.Desktop, async journey =>
        {
            var page = journey.Page;
            await SignInAsync(journey, code);
            await journey.GotoAsync("/badge");
            await journey.LiveAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("My badge");

            await page.GetByRole(AriaRole.Link, new() { Name = "한국어" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("내 출입증");
            Assert.EndsWith("/badge", new Uri(page.Url).AbsolutePath);
            await Expect(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "투표" })).ToBeVisibleAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
            await journey.StepAsync("korean");

            await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("My badge");
        });
    }

    [Fact]
    public async Task The_badge_shows_a_QR_code_that_scans_at_the_door_and_prints_without_navigation()
    {
        var scene = await AssemblyScene.CreateAsync(web.Server);
        var (participantId, code) = await scene.DelegateAsync("seoul", checkIn: false, givenName: "Min-ji");
        var shown = "";

        await web.JourneyAsync(output, Screen.Desktop, async journey =>
        {
            var page = journey.Page;
            await SignInAsync(journey, code);
            await journey.GotoAsync("/badge");
            await journey.LiveAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Min-ji 김" })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Show my QR code (replaces the earlier badge)" }).ClickAsync();

            var qr = page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^QR code of badge GA23-") });
            await Expect(qr).ToBeVisibleAsync();
            Assert.StartsWith("data:image/png;base64,", await qr.GetAttributeAsync("src"));
            Assert.True(await qr.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 100"), "the QR image did not decode");
            shown = await page.Locator(".badge-code").InnerTextAsync();
            await journey.StepAsync("badge");

            await page.EmulateMediaAsync(new() { Media = Media.Print });
            await Expect(page.GetByRole(AriaRole.Navigation)).ToBeHiddenAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print my badge" })).ToBeHiddenAsync();
            await Expect(qr).ToBeVisibleAsync();
            await journey.StepAsync("print");
        });

        // The code the page showed (as QR and as text) is the badge's current secret: it admits the holder at the door.
        var admitted = await scene.Secretariat.CheckIn(shown);
        Assert.True(admitted.Changed);
        Assert.Equal(participantId, admitted.Participant.Id);
    }
}
