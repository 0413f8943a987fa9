using Microsoft.Playwright;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

/// <summary>
/// The secretariat's ballot control in the real browser: creating a motion ballot, the quorum check at opening,
/// the live tally as delegates vote from their own browsers on the real vote page, and the result at closing.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class SecretariatBallotTests(WebApp web, ITestOutputHelper output)
{
    private const string Agenda = "/wego.assembly.v1.AgendaService/";

    [Theory]
    [MemberData(nameof(Screen.All), MemberType = typeof(Screen))]
    public Task The_secretariat_runs_a_ballot_and_watches_the_votes_arrive(string screen) =>
        web.JourneyAsync(output, Screen.Named(screen), async journey =>
        {
            // Over the sample register, 55 members may vote; quorum is 1/20 of them: 3 present.
            var ga = $"web-{screen}";
            var secretariat = await AssemblyAsync(ga);
            await DecisionItemAsync(secretariat, ga, "7", "Adopt the 2024 work plan");
            var voters = new List<(string City, string Code)>();
            string? lastBadge = null;
            foreach (var city in new[] { "seoul", "busan", "daegu" })
            {
                var badge = await secretariat.BadgedAsync(ga, city);
                voters.Add((city, await web.Server.IssueAccessCodeAsync(new(badge.Participant.Id, ga, city, badge.Participant.GivenName))));
                if (city != "daegu")
                    await secretariat.CheckIn(badge.QrSecret);
                lastBadge = badge.QrSecret;
            }

            var page = journey.Page;
            await SignInStaffAsync(journey);
            await journey.GotoAsync($"/secretariat/ballots?assembly={ga}");
            await Expect(page.Locator(".quorum-text")).ToContainTextAsync("2 present of 55 eligible; 3 required");
            await journey.StepAsync("ballots-empty");

            // Nothing typed: the question is refused with what to correct, and no ballot appears.
            await page.GetByRole(AriaRole.Button, new() { Name = "Create ballot" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Please correct: ");
            await Expect(page.GetByText("No ballots yet.")).ToBeVisibleAsync();
            await journey.StepAsync("create-refused");

            await page.GetByLabel("Question (English)").FillAsync("Adopt the 2024 work plan?");
            await page.GetByLabel("Question (Korean)").FillAsync("2024년 사업 계획을 채택합니까?");
            await page.GetByLabel("Method").SelectOptionAsync(new SelectOptionValue { Label = "roll-call vote" });
            // It closes by itself in two hours, Seoul time, and those who have not voted are reminded 15 minutes before.
            var seoul = TimeZoneInfo.FindSystemTimeZoneById("Asia/Seoul");
            var closesLocal = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddHours(2), seoul).DateTime;
            closesLocal = new DateTime(closesLocal.Year, closesLocal.Month, closesLocal.Day, closesLocal.Hour, closesLocal.Minute, 0);
            await page.GetByLabel("Closes by itself at (optional; time in Asia/Seoul)").FillAsync(closesLocal.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
            await page.GetByLabel("Remind the members that have not voted, minutes before it closes (optional)").FillAsync("15");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create ballot" }).ClickAsync();
            await Expect(page.Locator("#ballot-heading")).ToHaveTextAsync("Adopt the 2024 work plan?");
            var stored = (await secretariat.Unary<ListBallotsRequest, ListBallotsResponse>("/wego.assembly.v1.VotingService/ListBallots", new() { AssemblyId = ga })).Ballots.Single();
            Assert.Equal(new DateTimeOffset(closesLocal, TimeSpan.FromHours(9)), stored.Deadline.ToDateTimeOffset());
            Assert.Equal(TimeSpan.FromMinutes(15), stored.RemindBefore.ToTimeSpan());
            await Expect(page.Locator("#ballot .meta")).ToContainTextAsync(
                $"closes by itself at {closesLocal:yyyy-MM-dd HH:mm} (Asia/Seoul), reminder 15 min before");

            // Two of three needed are in the hall: opening is refused with the numbers.
            await page.GetByRole(AriaRole.Button, new() { Name = "Open this ballot" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("2 present of 55 voting-eligible members, 3 required");
            await journey.StepAsync("open-refused-below-quorum");

            // Daegu's delegate checks in at the door; the gauge follows by itself.
            await secretariat.CheckIn(lastBadge!);
            await Expect(page.Locator(".quorum-text")).ToContainTextAsync("3 present of 55 eligible; 3 required: quorum met");
            await page.GetByRole(AriaRole.Button, new() { Name = "Open this ballot" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Close and count" })).ToBeVisibleAsync();
            await Expect(page.Locator(".votes-cast")).ToHaveTextAsync("0 of 55 entitled members have voted");
            await journey.StepAsync("ballot-open");

            var choices = new[] { "Yes", "Yes", "No" };
            for (var i = 0; i < voters.Count; i++)
            {
                await VoteInOwnBrowserAsync(voters[i].Code, choices[i], $"{screen}.{voters[i].City}");
                await Expect(page.Locator(".votes-cast")).ToHaveTextAsync($"{i + 1} of 55 entitled members have voted");
                await journey.StepAsync($"tally-after-{voters[i].City}");
            }
            await Expect(page.Locator(".tally-text")).ToContainTextAsync("Yes 2");
            await Expect(page.Locator(".tally-text")).ToContainTextAsync("No 1");

            await page.GetByRole(AriaRole.Button, new() { Name = "Close and count", Exact = true }).ClickAsync();
            // Closing cannot be undone, so it asks first; cancelling keeps the ballot open.
            await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await Expect(page.Locator(".confirm")).ToBeHiddenAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Close and count", Exact = true }).ClickAsync();
            await Expect(page.Locator(".confirm")).ToContainTextAsync("have not voted");
            await journey.StepAsync("confirm-close");
            await page.GetByRole(AriaRole.Button, new() { Name = "Yes, close and count" }).ClickAsync();
            await Expect(page.Locator(".outcome")).ToHaveTextAsync("adopted");
            await Expect(page.Locator(".result")).ToContainTextAsync("Votes needed");
            await journey.StepAsync("result");
        });

    [Fact]
    public Task A_secretariat_page_switches_to_Korean() =>
        web.JourneyAsync(output, Screen.Desktop, async journey =>
        {
            await SignInStaffAsync(journey);
            await journey.GotoAsync("/secretariat/ballots");
            await Expect(journey.Page.Locator("h1")).ToHaveTextAsync("Ballots");
            await journey.Page.GetByRole(AriaRole.Link, new() { Name = "한국어" }).ClickAsync();
            await Expect(journey.Page.Locator("h1")).ToHaveTextAsync("투표 관리");
            await Expect(journey.Page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
            await Expect(journey.Page.Locator(".quorum-text")).ToContainTextAsync("정족수");
            await journey.StepAsync("ballots-korean");
        });

    internal static async Task SignInStaffAsync(Journey journey, string userName = WeGoServer.AdminUserName, string password = WeGoServer.AdminPassword)
    {
        await journey.GotoAsync("/signin");
        await journey.Page.GetByLabel("User name").FillAsync(userName);
        await journey.Page.GetByLabel("Password").FillAsync(password);
        await journey.Page.Locator("#staff-heading + form button[type=submit]").ClickAsync();
        await Expect(journey.Page.Locator("h1")).ToHaveTextAsync("Secretariat desk");
    }

    // A delegate in a separate browser (own cookies) signs in with an access code and votes on the real vote page.
    private async Task VoteInOwnBrowserAsync(string accessCode, string choice, string name)
    {
        await using var context = await web.Browser.NewContextAsync(new()
        {
            BaseURL = web.Server.WebAddress.ToString(), ViewportSize = new() { Width = Screen.Phone.Width, Height = Screen.Phone.Height },
            IsMobile = true, HasTouch = true, Locale = "en-GB",
        });
        context.SetDefaultTimeout(30_000);
        var folder = Path.Combine(WebApp.ScreenshotRoot, $"{nameof(SecretariatBallotTests)}.delegate.{name}");
        Directory.CreateDirectory(folder);
        var delegateJourney = new Journey(await context.NewPageAsync(), folder, output);
        var page = delegateJourney.Page;
        await delegateJourney.GotoAsync("/signin");
        await page.GetByLabel("Access code").FillAsync(accessCode);
        await page.Locator("#participant-heading + form button[type=submit]").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Vote");
        // The choices stay disabled until the page is live; CheckAsync waits for that.
        await page.GetByLabel(choice, new() { Exact = true }).CheckAsync();
        var review = page.GetByRole(AriaRole.Button, new() { Name = "Review my vote" });
        await review.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cast my vote" }).ClickAsync();
        await Expect(page.GetByText("Your vote is counted")).ToBeVisibleAsync();
        await delegateJourney.StepAsync("voted");
        Assert.True(delegateJourney.ConsoleErrors.Count == 0, "The delegate's browser console reported errors:\n" + string.Join("\n", delegateJourney.ConsoleErrors));
    }

    private async Task<SampleApi> AssemblyAsync(string id)
    {
        var secretariat = await web.Server.SecretariatAsync();
        await secretariat.CreateAssembly(new Assembly
        {
            Id = id, Title = $"WeGO General Assembly ({id})", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul",
            Rules = new AssemblyRules { Quorum = new() { Numerator = 1, Denominator = 20 } },
        });
        return secretariat;
    }

    private static Task<CreateAgendaItemResponse> DecisionItemAsync(SampleApi secretariat, string ga, string number, string title) =>
        secretariat.Unary<CreateAgendaItemRequest, CreateAgendaItemResponse>(Agenda + "CreateAgendaItem", new()
        {
            AgendaItem = new() { AssemblyId = ga, Number = number, TitleEn = title, TitleKo = "안건 " + number, Kind = AgendaItemKind.Decision },
        });
}
