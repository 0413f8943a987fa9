using Microsoft.Playwright;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

/// <summary>
/// The floor in the real browser: a delegate asks to speak from a phone, the chair sees the request arrive, gives the
/// floor, pauses and ends the speech; the delegate's page follows each step by itself.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class FloorJourneyTests(WebApp web, ITestOutputHelper output)
{
    [Fact]
    public Task A_delegate_asks_to_speak_from_a_phone_and_the_chair_gives_the_floor() =>
        web.JourneyAsync(output, Screen.Desktop, async chair =>
        {
            var scene = await AssemblyScene.CreateAsync(web.Server);
            var item = await scene.AgendaItemAsync("4", "Smart city charter", "스마트 도시 헌장", AgendaItemKind.Decision);
            var (seoulId, seoulCode) = await scene.DelegateAsync("seoul", givenName: "Minjun");
            var (busanId, _) = await scene.DelegateAsync("busan", givenName: "Seoyeon");
            await scene.Secretariat.RequestFloor(item.Id, SpeechKind.Against, busanId);

            var page = chair.Page;
            await SecretariatBallotTests.SignInStaffAsync(chair);
            await chair.GotoAsync($"/secretariat/floor?assembly={scene.Id}");
            await chair.LiveAsync();
            await Expect(page.Locator("#floor-heading")).ToHaveTextAsync("4. Smart city charter");
            await Expect(page.Locator("ol.queue li")).ToHaveCountAsync(1);
            await Expect(page.Locator("ol.queue li").First).ToContainTextAsync("Seoyeon 김");
            await Expect(page.Locator("ol.queue li").First).ToContainTextAsync("Busan · 부산 · against");

            await web.JourneyAsync(output, Screen.Phone, async delegateJourney =>
            {
                var phone = delegateJourney.Page;
                await ParticipantJourneyTests.SignInAsync(delegateJourney, seoulCode);
                await phone.GetByRole(AriaRole.Link, new() { Name = "Speak", Exact = true }).ClickAsync();
                await Expect(phone.Locator("h1")).ToHaveTextAsync("Speakers' list");
                await delegateJourney.LiveAsync();
                await Expect(phone.Locator(".your-place")).ToHaveTextAsync("You are not on the list.");
                await phone.GetByRole(AriaRole.Button, new() { Name = "Ask to speak" }).ClickAsync();
                await Expect(phone.Locator(".your-place")).ToHaveTextAsync("You are number 2 in the queue.");
                await Expect(phone.GetByRole(AriaRole.Button, new() { Name = "Withdraw my request" })).ToBeVisibleAsync();
                await delegateJourney.StepAsync("asked");

                // The chair's page shows the request by itself, and the chair gives the floor to the first in line.
                await Expect(page.Locator("ol.queue li")).ToHaveCountAsync(2);
                await Expect(page.Locator("ol.queue li").Nth(1)).ToContainTextAsync("Minjun 김");
                await chair.StepAsync("request-arrived");
                await page.GetByRole(AriaRole.Button, new() { Name = "Next speaker" }).ClickAsync();
                await Expect(page.Locator(".floor-board .speaker .name")).ToHaveTextAsync("Seoyeon 김");
                await Expect(phone.Locator(".your-place")).ToHaveTextAsync("You are next.");

                // The chair moves straight to Seoul's delegate: Busan's speech ends and is kept with its time.
                await page.Locator("ol.queue li").First.GetByRole(AriaRole.Button, new() { Name = "Give the floor" }).ClickAsync();
                await Expect(phone.Locator(".your-place")).ToHaveTextAsync("You have the floor.");
                await Expect(phone.Locator(".floor-board .speaker .name")).ToHaveTextAsync("Minjun 김");
                await Expect(phone.Locator(".floor-board .clock")).ToContainTextAsync("0:0");
                await delegateJourney.StepAsync("has-the-floor");
                Assert.Equal(seoulId, (await scene.Secretariat.GetFloor(item.Id)).Current.Request.ParticipantId);
            }, step: "delegate");

            await page.GetByRole(AriaRole.Button, new() { Name = "Pause the timer" }).ClickAsync();
            await Expect(page.Locator(".floor-board .clock")).ToContainTextAsync("paused");
            await page.GetByRole(AriaRole.Button, new() { Name = "End the speech" }).ClickAsync();
            await Expect(page.Locator(".floor-board .speaker")).ToContainTextAsync("Nobody has the floor");
            await Expect(page.Locator("table.cards").First.Locator("tbody tr")).ToHaveCountAsync(2);
            await Expect(page.Locator("table.cards").Nth(1)).ToContainTextAsync("Seoul");
            await chair.StepAsync("speeches-recorded");

            // The chair closes the list; a delegate's request from the hall is added by the chair, a point of order still taken.
            await page.GetByRole(AriaRole.Button, new() { Name = "Close the list" }).ClickAsync();
            await Expect(page.Locator(".closed-list")).ToHaveTextAsync("· list closed");
            await page.GetByLabel("Member city").SelectOptionAsync(new SelectOptionValue { Label = "Busan · 부산" });
            await page.GetByLabel("Participant").SelectOptionAsync(new SelectOptionValue { Label = "Seoyeon 김" });
            await page.GetByLabel("Asks").SelectOptionAsync(new SelectOptionValue { Label = "for" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Add to the list" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("closed; only a point of order may be raised");
            await page.GetByLabel("Asks").SelectOptionAsync(new SelectOptionValue { Label = "point of order" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Add to the list" }).ClickAsync();
            await Expect(page.Locator("ol.queue li.point-of-order")).ToContainTextAsync("Seoyeon 김");
            await chair.StepAsync("point-of-order");
        });
}
