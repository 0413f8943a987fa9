using Microsoft.Playwright;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

/// <summary>The accreditation queue in the real browser: a rejection needs a reason; approval and the badge follow.</summary>
[Collection(WebCollection.Name)]
public sealed class SecretariatAccreditationTests(WebApp web, ITestOutputHelper output)
{
    [Fact]
    public Task Rejecting_without_a_reason_is_refused_and_changes_nothing_then_approval_and_badge_go_through() =>
        web.JourneyAsync(output, Screen.Phone, async journey =>
        {
            const string ga = "web-accreditation";
            var secretariat = await web.Server.SecretariatAsync();
            await secretariat.CreateAssembly(new Assembly { Id = ga, Title = "WeGO General Assembly (accreditation)", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul" });
            var person = (await secretariat.Register(ga, "ulaanbaatar", "Bat", ParticipantRole.VotingDelegate, familyName: "Erdene", head: true)).Participant;
            await secretariat.SubmitCredentials(ga, "ulaanbaatar", AccreditationCalls.Pdf, "credentials.pdf");

            var page = journey.Page;
            await SecretariatBallotTests.SignInStaffAsync(journey);
            await journey.GotoAsync($"/secretariat/accreditation?assembly={ga}");
            var entry = page.Locator("ul.people li", new() { HasText = "Bat Erdene" });
            await Expect(entry.Locator(".status")).ToHaveTextAsync("awaiting review");
            await journey.StepAsync("queue");

            await entry.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Please correct: ");
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("reason");
            await Expect(entry.Locator(".status")).ToHaveTextAsync("awaiting review");
            Assert.Equal(AccreditationStatus.Submitted, (await secretariat.GetDelegation(ga, "ulaanbaatar")).Participants.Single().AccreditationStatus);
            await journey.StepAsync("reject-without-reason");

            await entry.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Expect(entry.Locator(".status")).ToHaveTextAsync("approved");
            await entry.GetByRole(AriaRole.Button, new() { Name = "Issue badge" }).ClickAsync();
            await Expect(entry.Locator(".status")).ToHaveTextAsync("badge issued");
            var stored = (await secretariat.GetDelegation(ga, "ulaanbaatar")).Participants.Single(p => p.Id == person.Id);
            Assert.Equal(AccreditationStatus.BadgeIssued, stored.AccreditationStatus);
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Badge {stored.BadgeNumber} issued to Bat Erdene");
            await journey.StepAsync("badge-issued");
        });
}
