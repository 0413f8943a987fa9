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

    [Fact]
    public Task A_proxy_is_recorded_a_chain_is_refused_with_the_reason_and_the_proxy_is_revoked() =>
        web.JourneyAsync(output, Screen.Desktop, async journey =>
        {
            const string ga = "web-proxies";
            var secretariat = await web.Server.SecretariatAsync();
            await secretariat.CreateAssembly(new Assembly
            {
                Id = ga, Title = "WeGO General Assembly (proxies)", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul",
                Rules = new AssemblyRules { ProxiesAllowed = true, MaxProxiesPerHolder = 1, ProxiesCountForQuorum = true },
            });
            // Seoul and Busan came; Lima did not, and sent a letter giving its vote to Seoul.
            await secretariat.Register(ga, "seoul", "세훈", ParticipantRole.VotingDelegate, familyName: "오", head: true);
            await secretariat.Register(ga, "busan", "형준", ParticipantRole.VotingDelegate, familyName: "박", head: true);

            var page = journey.Page;
            await SecretariatBallotTests.SignInStaffAsync(journey);
            await journey.GotoAsync($"/secretariat/accreditation?assembly={ga}");
            await journey.LiveAsync();
            var proxies = page.GetByRole(AriaRole.Region, new() { Name = "Proxies" });
            await Expect(proxies).ToContainTextAsync("No proxy in force.");

            await page.GetByLabel("Member city giving its vote").SelectOptionAsync(new SelectOptionValue { Label = "Lima" });
            await page.GetByLabel("Member city holding it").SelectOptionAsync(new SelectOptionValue { Label = "Seoul · 서울" });
            await page.GetByLabel("Reference (letter, e-mail)").FillAsync("Letter of the Mayor of Lima, 5 Sept 2023");
            await page.GetByRole(AriaRole.Button, new() { Name = "Record proxy" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Proxy recorded: Lima → Seoul · 서울");
            var row = proxies.Locator("tbody tr");
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row).ToContainTextAsync("Letter of the Mayor of Lima, 5 Sept 2023");
            await journey.StepAsync("proxy-recorded");

            // Lima gave its vote away, so it cannot hold Busan's: no chains. The page says why and stores nothing.
            await page.GetByLabel("Member city giving its vote").SelectOptionAsync(new SelectOptionValue { Label = "Busan · 부산" });
            await page.GetByLabel("Member city holding it").SelectOptionAsync(new SelectOptionValue { Label = "Lima" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Record proxy" }).ClickAsync();
            var problem = page.GetByRole(AriaRole.Alert);
            await Expect(problem).ToContainTextAsync("lima");   // the service's reason names the city by its id
            await Expect(problem).ToContainTextAsync("proxy");
            await Expect(row).ToHaveCountAsync(1);
            Assert.Null((await secretariat.GetDelegation(ga, "busan")).ProxyGiven);
            await journey.StepAsync("chain-refused");

            await page.GetByLabel("Why a proxy ends (kept in the audit log; optional)").FillAsync("Lima's delegate arrived on the second day");
            await proxies.GetByRole(AriaRole.Button, new() { Name = "Revoke the proxy of Lima" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Proxy of Lima revoked");
            await Expect(proxies).ToContainTextAsync("No proxy in force.");
            Assert.Empty((await secretariat.GetDelegation(ga, "seoul")).ProxiesHeld);
            var revoked = (await secretariat.ListAuditEvents(new() { Filter = new() { ActionPrefix = "proxy.revoked", SubjectPrefix = $"proxy/{ga}/" } })).Events;
            Assert.Contains("Lima's delegate arrived on the second day", Assert.Single(revoked).Details);
            await journey.StepAsync("proxy-revoked");
        });
}
