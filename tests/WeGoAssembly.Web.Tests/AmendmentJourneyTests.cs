using Microsoft.Playwright;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

/// <summary>
/// Amendments in the real browser: the chair tables a motion, a delegate proposes an amendment from a phone, the chair
/// admits it and puts it to the vote, the delegations vote, and the adopted amendment changes the text on both pages.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class AmendmentJourneyTests(WebApp web, ITestOutputHelper output)
{
    private const string Voting = "/wego.assembly.v1.VotingService/";

    [Fact]
    public Task A_delegate_proposes_an_amendment_the_chair_admits_it_and_the_adopted_text_is_what_the_motion_is_voted_on() =>
        web.JourneyAsync(output, Screen.Desktop, async chair =>
        {
            var scene = await AssemblyScene.CreateAsync(web.Server);
            var item = await scene.AgendaItemAsync("5", "Reporting charter", "보고 헌장", AgendaItemKind.Decision);
            var (_, seoulCode) = await scene.DelegateAsync("seoul", givenName: "Minjun");
            var (_, busanCode) = await scene.DelegateAsync("busan", givenName: "Seoyeon");
            await scene.DelegateAsync("daegu");

            // The chair tables the text: two paragraphs.
            var page = chair.Page;
            await SecretariatBallotTests.SignInStaffAsync(chair);
            await chair.GotoAsync($"/secretariat/motion?assembly={scene.Id}");
            await chair.LiveAsync();
            await page.GetByLabel("The text, one paragraph per block (a blank line between paragraphs)").FillAsync("The assembly adopts the charter.\n\nMembers report yearly.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Table the text" }).ClickAsync();
            await Expect(page.Locator(".motion-text li")).ToHaveCountAsync(2);

            await web.JourneyAsync(output, Screen.Phone, async delegateJourney =>
            {
                var phone = delegateJourney.Page;
                await ParticipantJourneyTests.SignInAsync(delegateJourney, seoulCode);
                await phone.GetByRole(AriaRole.Link, new() { Name = "Amend", Exact = true }).ClickAsync();
                await Expect(phone.Locator("h1")).ToHaveTextAsync("Motions and amendments");
                await delegateJourney.LiveAsync();
                await Expect(phone.Locator("#paragraph-p2")).ToContainTextAsync("Members report yearly.");
                await phone.GetByLabel("Replace a paragraph").CheckAsync();
                await phone.GetByLabel("Paragraph", new() { Exact = true }).SelectOptionAsync("p2");
                await phone.GetByLabel("New text").FillAsync("Members report every two years.");
                // No reason: refused with what to correct, nothing stored.
                await phone.GetByRole(AriaRole.Button, new() { Name = "Submit the amendment" }).ClickAsync();
                await Expect(phone.GetByRole(AriaRole.Alert)).ToContainTextAsync("reason is required");
                await phone.GetByLabel("Reason").FillAsync("Yearly reports burden small cities.");
                await phone.GetByRole(AriaRole.Button, new() { Name = "Submit the amendment" }).ClickAsync();
                await Expect(phone.Locator("#amendment-a1 .status")).ToHaveTextAsync("awaiting the chair");
                await Expect(phone.Locator("#amendment-a1 del")).ToHaveTextAsync("yearly.");
                await Expect(phone.Locator("#amendment-a1 ins")).ToHaveTextAsync("every two years.");
                await delegateJourney.StepAsync("proposed");
            }, step: "delegate");

            // The chair admits it and puts it to the vote; the ballot opens on the ballots page.
            await chair.GotoAsync($"/secretariat/motion?assembly={scene.Id}");
            await chair.LiveAsync();
            await Expect(page.Locator("#amendment-a1 del")).ToHaveTextAsync("yearly.");
            await chair.StepAsync("amendment-submitted");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Put the motion to the vote" })).ToBeDisabledAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Admit a1" }).ClickAsync();
            await Expect(page.Locator("#amendment-a1 .status")).ToHaveTextAsync("admitted, vote 1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Put a1 to the vote" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/secretariat/ballots"));
            await Expect(page.Locator("#ballot-heading")).ToHaveTextAsync("Adopt amendment a1 to item 5?");

            var ballotId = (await scene.Secretariat.Unary<ListBallotsRequest, ListBallotsResponse>(Voting + "ListBallots", new() { AssemblyId = scene.Id })).Ballots.Single().Id;
            foreach (var (code, city) in new[] { (seoulCode, "seoul"), (busanCode, "busan") })
                await (await web.Server.ParticipantAsync(code)).Unary<CastVoteRequest, CastVoteResponse>(Voting + "CastVote", new()
                {
                    BallotId = ballotId, MemberCityId = city, MotionChoice = MotionChoice.Yes, IdempotencyKey = Guid.NewGuid().ToString(),
                });
            await scene.CloseAsync(ballotId);

            // Adopted: the text the motion is voted on has changed, and the motion may now be put to the vote.
            await chair.GotoAsync($"/secretariat/motion?assembly={scene.Id}");
            await chair.LiveAsync();
            await Expect(page.Locator("#amendment-a1 .status")).ToHaveTextAsync("adopted");
            await Expect(page.Locator("#paragraph-p2")).ToContainTextAsync("Members report every two years.");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Put the motion to the vote" })).ToBeEnabledAsync();
            await chair.StepAsync("amendment-adopted");
        });
}
