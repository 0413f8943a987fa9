using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

/// <summary>
/// What a person with a screen reader, a keyboard or a phone needs from every screen: a name on each control, a
/// page that fits the phone's width, and a vote that can be cast with the keyboard alone.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class AccessibilityTests(WebApp web, ITestOutputHelper output)
{
    // The controls of a page that have no accessible name (aria-label, aria-labelledby, a <label>, their own text, a
    // title) and the images without alt text; each as the start of its HTML, so a failure names the element.
    private const string UnnamedControls = """
        () => {
          const text = e => (e?.innerText || e?.textContent || '').trim();
          const named = e => (e.getAttribute('aria-label') || '').trim()
            || (e.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean).map(id => text(document.getElementById(id))).join('')
            || [...(e.labels || [])].map(text).join('')
            || (['BUTTON', 'A', 'SUMMARY'].includes(e.tagName) ? text(e) : '')
            || (e.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(e.type) ? e.value : '')
            || (e.getAttribute('title') || '').trim();
          const shown = e => e.getClientRects().length > 0;
          const controls = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
            .filter(shown).filter(e => !named(e));
          const images = [...document.querySelectorAll('img:not([alt]), svg:not([aria-hidden=true]):not([role]):not([aria-label])')]
            .filter(shown).filter(e => e.tagName === 'IMG' || !e.closest('[aria-label],[aria-labelledby]'));
          return [...controls, ...images].map(e => e.outerHTML.slice(0, 200));
        }
        """;

    // How far the page is wider than the screen: a phone user would have to scroll sideways to read it.
    private const string SidewaysOverflow = "() => document.documentElement.scrollWidth - window.innerWidth";

    // Controls squeezed so narrow that their words break a character or two per line (Korean labels in a crowded row):
    // a button or link-button whose text runs over more than three lines.
    private const string SqueezedControls = """
        () => [...document.querySelectorAll('button, a.button')]
          .filter(e => e.getClientRects().length > 0 && (e.innerText || '').trim().length > 3)
          .filter(e => e.getBoundingClientRect().height > 3.5 * parseFloat(getComputedStyle(e).lineHeight || '24'))
          .map(e => e.outerHTML.slice(0, 200))
        """;

    private static readonly string[] Staff =
    [
        "/secretariat", "/secretariat/accreditation", "/secretariat/ballots", "/secretariat/agenda", "/secretariat/members",
        "/secretariat/audit", "/secretariat/mail", "/secretariat/assembly", "/secretariat/staff", "/secretariat/delegation", "/secretariat/import", "/door",
        "/secretariat/floor", "/secretariat/screens", "/secretariat/motion", "/account/password", "/logistics", "/logistics/visit", "/logistics/visit/manifest", "/logistics/visit/check-in",
        "/logistics/arrivals", "/no-such-page",
    ];

    /// <summary>Every staff screen, in English and in Korean (whose labels are shorter but break differently).</summary>
    public static TheoryData<string, string> StaffScreens
    {
        get
        {
            var screens = new TheoryData<string, string>();
            foreach (var language in new[] { "en", "ko" })
            {
                foreach (var screen in Staff)
                    screens.Add(screen, language);
            }
            return screens;
        }
    }

    [Theory]
    [MemberData(nameof(StaffScreens))]
    public async Task Every_staff_screen_names_its_controls_and_fits_a_phone(string screen, string language)
    {
        var scene = await AssemblyScene.CreateAsync(web.Server);
        var (seoul, _) = await scene.DelegateAsync("seoul", checkIn: false);
        if (screen == "/secretariat/floor")
            await scene.FloorWithSpeakersAsync(seoul);
        if (screen == "/secretariat/motion")
            await scene.AmendedMotionAsync();
        var visitId = (await scene.Secretariat.CreateSiteVisit(LogisticsCalls.Visit(scene.Id, "Gwangjang Market", 20, 14, ("bus-1", 20)))).Id;
        var path = screen.Replace("/logistics/visit", $"/logistics/visits/{Uri.EscapeDataString(visitId)}", StringComparison.Ordinal);
        path += path.Contains("/visits/", StringComparison.Ordinal) ? "" : $"?assembly={scene.Id}";
        path += screen == "/secretariat/delegation" ? "&city=seoul" : "";

        await web.JourneyAsync(output, Screen.Phone, async journey =>
        {
            await SecretariatBallotTests.SignInStaffAsync(journey);
            if (language != "en")
                await journey.GotoAsync($"/language?lang={language}&return=/");
            if (screen == "/no-such-page")
                journey.ExpectNotFound(path);
            await CheckScreenAsync(journey, path, expectedStatus: screen == "/no-such-page" ? 404 : 200);
        }, test: $"{nameof(Every_staff_screen_names_its_controls_and_fits_a_phone)}{screen.Replace('/', '.')}.{language}");
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ko")]
    public async Task Every_participant_screen_names_its_controls_and_fits_a_phone(string language)
    {
        var scene = await AssemblyScene.CreateAsync(web.Server);
        var (code, _) = await scene.BudgetVoteOpenAsync();

        await web.JourneyAsync(output, Screen.Phone, async journey =>
        {
            await ParticipantJourneyTests.SignInAsync(journey, code);
            if (language != "en")
                await journey.GotoAsync($"/language?lang={language}&return=/");
            foreach (var path in new[] { "/signin", "/", "/vote", "/floor", "/motion", "/delegation", "/badge", "/travel" })
                await CheckScreenAsync(journey, path);
        }, test: $"{nameof(Every_participant_screen_names_its_controls_and_fits_a_phone)}.{language}");
    }

    [Fact]
    public async Task A_delegate_votes_with_the_keyboard_alone()
    {
        var scene = await AssemblyScene.CreateAsync(web.Server);
        var (code, ballot) = await scene.BudgetVoteOpenAsync();

        await web.JourneyAsync(output, Screen.Desktop, async journey =>
        {
            var page = journey.Page;
            await journey.GotoAsync("/signin");
            // A page opens with the focus on its heading (read out first), so the keyboard starts at the content.
            await Expect(page.Locator("h1")).ToBeFocusedAsync();
            await TabToAsync(page, "Access code");
            await page.Keyboard.TypeAsync(code);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page).ToHaveURLAsync(new Regex("/vote$"));
            await journey.LiveAsync();
            await Expect(page.Locator("h1")).ToBeFocusedAsync();

            await TabToAsync(page, "Yes");
            await page.Keyboard.PressAsync("Space");
            await Expect(page.GetByLabel("Yes")).ToBeCheckedAsync();
            await TabToAsync(page, "Review my vote");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator(".your-choice")).ToHaveTextAsync("Yes");
            await TabToAsync(page, "Cast my vote");
            await journey.StepAsync("keyboard-confirm");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your vote is counted" })).ToBeVisibleAsync();
            await journey.StepAsync("keyboard-receipt");
        });

        var result = await scene.CloseAsync(ballot.Id);
        Assert.Equal(1, result.VotesCast);
    }

    private static async Task CheckScreenAsync(Journey journey, string path, int expectedStatus = 200)
    {
        var response = await journey.GotoAsync(path);
        Assert.True(response?.Status == expectedStatus, $"{path} answered {response?.Status}");
        if (path != "/signin" && expectedStatus == 200)
            await journey.LiveAsync();
        await Expect(journey.Page.Locator("h1")).Not.ToBeEmptyAsync();
        await journey.StepAsync(path.Trim('/').Replace('/', '-').Split('?')[0]);

        var unnamed = await journey.Page.EvaluateAsync<string[]>(UnnamedControls);
        Assert.True(unnamed.Length == 0, $"{path}: controls without an accessible name:\n" + string.Join("\n", unnamed));
        var overflow = await journey.Page.EvaluateAsync<int>(SidewaysOverflow);
        Assert.True(overflow <= 0, $"{path} is {overflow} px wider than a {Screen.Phone.Width} px phone screen");
        var squeezed = await journey.Page.EvaluateAsync<string[]>(SqueezedControls);
        Assert.True(squeezed.Length == 0, $"{path}: controls squeezed into a column of broken words:\n" + string.Join("\n", squeezed));
    }

    // Presses Tab until the control named `name` has the focus; fails if it is not reached (not keyboard-reachable).
    private static async Task TabToAsync(IPage page, string name)
    {
        for (var presses = 0; presses < 40; presses++)
        {
            if (await FocusedNameAsync(page) == name)
                return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"\"{name}\" was not reached with the Tab key; the focus is on \"{await FocusedNameAsync(page)}\".");
    }

    private static Task<string> FocusedNameAsync(IPage page) => page.EvaluateAsync<string>("""
        () => {
          const e = document.activeElement;
          if (!e || e === document.body) return '';
          const label = [...(e.labels || [])].map(l => l.innerText.trim()).join(' ');
          return (e.getAttribute('aria-label') || label || e.innerText || e.value || '').trim();
        }
        """);
}
