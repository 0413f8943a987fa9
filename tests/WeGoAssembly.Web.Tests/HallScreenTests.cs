using System.Diagnostics;
using Microsoft.Playwright;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

/// <summary>
/// The hall's screen in the real browser: the secretariat makes a display link, the projector opens it without signing
/// in and follows the speaker (within a second), the quorum and a ballot to its result, comes back by itself after a
/// network drop, and stops when the link is revoked.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class HallScreenTests(WebApp web, ITestOutputHelper output)
{
    private static readonly Screen Projector = new("projector", 1920, 1080, IsPhone: false);

    [Fact]
    public Task The_projector_follows_the_floor_and_the_ballot_and_stops_when_its_link_is_revoked() =>
        web.JourneyAsync(output, Screen.Desktop, async secretariatJourney =>
        {
            var scene = await AssemblyScene.CreateAsync(web.Server);
            var item = await scene.AgendaItemAsync("1", "Budget", "예산", AgendaItemKind.Decision);
            var (seoul, code) = await scene.DelegateAsync("seoul", givenName: "Minjun");
            var (busan, _) = await scene.DelegateAsync("busan", givenName: "Seoyeon");
            await scene.DelegateAsync("daegu");

            // The secretariat makes the screen's link on its page.
            var page = secretariatJourney.Page;
            await SecretariatBallotTests.SignInStaffAsync(secretariatJourney);
            await secretariatJourney.GotoAsync($"/secretariat/screens?assembly={scene.Id}");
            await secretariatJourney.LiveAsync();
            await page.GetByLabel("Which screen").FillAsync("Main hall, left");
            await page.GetByRole(AriaRole.Button, new() { Name = "Make the link" }).ClickAsync();
            var address = await page.Locator("a.screen-link").TextContentAsync();
            Assert.Matches($"/display/{scene.Id}\\.[A-Za-z0-9_-]{{43}}$", address);
            await Expect(page.Locator("table.cards tbody tr")).ToHaveCountAsync(1);
            await secretariatJourney.StepAsync("link-made");

            await web.JourneyAsync(output, Projector, async screen =>
            {
                var hall = screen.Page;
                // No sign-in: the link is enough.
                await screen.GotoAsync(new Uri(address!).PathAndQuery);
                await screen.LiveAsync();
                await Expect(hall.Locator(".hall-item")).ToContainTextAsync("Budget");
                await Expect(hall.Locator(".hall-item")).ToContainTextAsync("예산");
                await Expect(hall.Locator(".hall-quorum .big")).ToContainTextAsync("3");
                await Expect(hall.Locator(".hall-floor .label").First).ToHaveTextAsync("Nobody has the floor · 발언자 없음");

                // The chair gives the floor: the screen shows the speaker within a second, and tells a screen reader.
                await scene.Secretariat.RequestFloor(item.Id, SpeechKind.For, seoul);
                await scene.Secretariat.RequestFloor(item.Id, SpeechKind.Against, busan);
                await Expect(hall.Locator(".hall-queue li")).ToHaveCountAsync(2);
                var given = Stopwatch.StartNew();
                await scene.Secretariat.GiveFloor(item.Id);
                await Expect(hall.Locator(".hall-floor .speaker")).ToHaveTextAsync("Minjun 김", new() { Timeout = 1000 });
                output.WriteLine($"the screen showed the new speaker {given.ElapsedMilliseconds} ms after GiveFloor was sent");
                await Expect(hall.Locator(".hall-floor .detail").First).ToContainTextAsync("Seoul · 서울 · for · 찬성");
                await Expect(hall.GetByRole(AriaRole.Status)).ToHaveTextAsync("Now speaking: Minjun 김. 발언: Minjun 김.");
                await Expect(hall.Locator(".hall-floor .timer")).ToContainTextAsync("0:0");
                await screen.StepAsync("speaker");

                // A secret ballot: votes cast while open, the result with its rule once closed.
                var ballot = await scene.OpenMotionOnAsync(item.Id, "Adopt the 2024 budget?", "2024년 예산안을 채택합니까?");
                await Expect(hall.Locator(".hall-ballot .question")).ToContainTextAsync("2024년 예산안을 채택합니까?");
                await Expect(hall.GetByRole(AriaRole.Status)).ToHaveTextAsync("Ballot open: Adopt the 2024 budget?. 투표 시작: 2024년 예산안을 채택합니까?.");
                await Expect(hall.Locator(".hall-ballot .big")).ToContainTextAsync("0");
                var delegateApi = await web.Server.ParticipantAsync(code);
                await delegateApi.Unary<CastVoteRequest, CastVoteResponse>("/wego.assembly.v1.VotingService/CastVote", new()
                {
                    BallotId = ballot.Id, MemberCityId = "seoul", MotionChoice = MotionChoice.Yes, IdempotencyKey = Guid.NewGuid().ToString(),
                });
                await Expect(hall.Locator(".hall-ballot .big")).ToContainTextAsync("1");
                await Expect(hall.Locator(".hall-ballot .counts li")).ToHaveCountAsync(0);   // secret: no choices while open
                await screen.StepAsync("ballot-open");
                await scene.CloseAsync(ballot.Id);
                await Expect(hall.Locator(".hall-ballot .outcome")).ToHaveTextAsync("adopted · 가결");
                await Expect(hall.Locator(".hall-ballot")).ToContainTextAsync("simple majority of votes cast · 투표수의 과반수 — 1 needed of 1");
                await screen.StepAsync("ballot-result");
            }, step: "projector");

            // Revoked on the secretariat's page: a screen still open on it says so.
            await web.JourneyAsync(output, Projector, async screen =>
            {
                await screen.GotoAsync(new Uri(address!).PathAndQuery);
                await screen.LiveAsync();
                await Expect(screen.Page.Locator(".hall-item")).ToContainTextAsync("Budget");
                await page.GetByRole(AriaRole.Button, new() { Name = "Revoke the link of Main hall, left" }).ClickAsync();
                await Expect(page.GetByText("No screen link is in use.")).ToBeVisibleAsync();
                await Expect(screen.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This screen's link does not work");
                await screen.StepAsync("revoked");
            }, step: "revoked");
        });

    [Fact]
    public async Task After_a_network_drop_the_screen_comes_back_by_itself_with_the_speaker_given_meanwhile()
    {
        var scene = await AssemblyScene.CreateAsync(web.Server);
        var item = await scene.AgendaItemAsync("2", "Work plan", "사업 계획", AgendaItemKind.Discussion);
        var (seoul, _) = await scene.DelegateAsync("seoul", givenName: "Minjun");
        var path = (await scene.Secretariat.CreateDisplayLink(scene.Id, "Overflow room")).Path;
        await using var link = new CuttableLink(web.Server.WebAddress);
        await using var context = await web.Browser.NewContextAsync(new()
        {
            BaseURL = link.Address.ToString(), ViewportSize = new() { Width = Projector.Width, Height = Projector.Height }, Locale = "en-GB",
        });
        context.SetDefaultTimeout(30_000);
        var folder = Path.Combine(WebApp.ScreenshotRoot, $"{nameof(HallScreenTests)}.reconnect");
        Directory.CreateDirectory(folder);
        var screen = new Journey(await context.NewPageAsync(), folder, output);
        await screen.GotoAsync(path);
        await screen.LiveAsync();
        await Expect(screen.Page.Locator(".hall-item")).ToContainTextAsync("Work plan");

        link.Cut();
        await Expect(screen.Page.Locator("#components-reconnect-modal")).ToBeVisibleAsync();
        await scene.Secretariat.RequestFloor(item.Id, SpeechKind.Speak, seoul);
        await scene.Secretariat.GiveFloor(item.Id);
        link.Restore();
        await Expect(screen.Page.Locator(".hall-floor .speaker")).ToHaveTextAsync("Minjun 김", new() { Timeout = 60_000 });
        await screen.StepAsync("reconnected");
        Assert.All(screen.ConsoleErrors, e => Assert.Matches("WebSocket|[Cc]onnection|Failed to (fetch|load resource)|ERR_|applying batch|unhandled exception on the current circuit", e));
    }
}
