using Microsoft.Playwright;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Web.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

public sealed partial class ParticipantJourneyTests
{
    [Fact]
    public async Task A_delegate_ranks_site_visits_and_enters_the_arrival_then_sees_the_cut_off_message()
    {
        var scene = await AssemblyScene.CreateAsync(web.Server);
        var logistics = scene.Secretariat;
        var market = await logistics.CreateSiteVisit(LogisticsCalls.Visit(scene.Id, "Gwangjang Market", 10, 9));
        var park = await logistics.CreateSiteVisit(LogisticsCalls.Visit(scene.Id, "Seoul Forest", 10, 14));
        await logistics.SetPreferencesCutoff(scene.Id, DateTimeOffset.UtcNow.AddDays(30));
        var (participantId, code) = await scene.DelegateAsync("incheon", checkIn: false);

        await web.JourneyAsync(output, Screen.Desktop, async journey =>
        {
            var page = journey.Page;
            await SignInAsync(journey, code);
            await journey.GotoAsync("/travel");
            await journey.LiveAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = "Add Gwangjang Market to my ranking" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Add Seoul Forest to my ranking" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Move Seoul Forest up" }).ClickAsync();
            await Expect(page.Locator("ol.ranking li span")).ToHaveTextAsync(["Seoul Forest", "Gwangjang Market"]);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save my ranking" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your ranking is saved." })).ToBeVisibleAsync();

            await page.GetByLabel("Flight number").FillAsync("KE902");
            await page.GetByLabel("Airport code").FillAsync("ICN");
            await page.GetByLabel("Arrival, local time").FillAsync("2023-09-05T16:40");
            await page.GetByLabel("Please meet me at the airport").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Save my arrival" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved: KE902 at ICN, 2023-09-05 16:40 (Asia/Seoul)." })).ToBeVisibleAsync();
            await journey.StepAsync("ranked-and-arrival");
        });

        // The ranking and the arrival reached the same services logistics staff use.
        var arrivals = await logistics.ListArrivals(new() { AssemblyId = scene.Id });
        var arrival = arrivals.Groups.SelectMany(g => g.Arrivals).Single(a => a.ParticipantId == participantId);
        Assert.Equal(("KE902", "ICN", true), (arrival.Flight.FlightNumber, arrival.Flight.AirportCode, arrival.NeedsAirportPickup));
        Assert.Equal(new DateTimeOffset(2023, 9, 5, 7, 40, 0, TimeSpan.Zero), arrival.Flight.ScheduledAt.ToDateTimeOffset());
        // The two visits do not overlap, so both seat the delegate, each at the rank the page gave it.
        var ranks = (await logistics.RunAssignment(scene.Id)).Placements.Where(p => p.ParticipantId == participantId)
            .ToDictionary(p => p.SiteVisitId, p => (p.Status, p.ChoiceRank));
        Assert.Equal((PlacementStatus.Assigned, 1), ranks[park.Id]);
        Assert.Equal((PlacementStatus.Assigned, 2), ranks[market.Id]);

        await logistics.SetPreferencesCutoff(scene.Id, DateTimeOffset.UtcNow.AddMinutes(-1));
        await web.JourneyAsync(output, Screen.Phone, async journey =>
        {
            var page = journey.Page;
            await SignInAsync(journey, code);
            await journey.GotoAsync("/travel");
            await journey.LiveAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Preferences closed at" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("Seoul Forest — seat");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save my ranking" })).ToHaveCountAsync(0);
            await journey.StepAsync("closed");
        }, test: "A_delegate_sees_the_cut_off_message");
    }
}
