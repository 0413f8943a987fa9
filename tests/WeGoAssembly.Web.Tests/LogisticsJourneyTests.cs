using Google.Protobuf.WellKnownTypes;
using Microsoft.Playwright;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using Assembly = WeGoAssembly.Protos.V1.Assembly;

namespace WeGoAssembly.Web.Tests;

/// <summary>
/// A logistics staff member's day in the browser: a site visit, the assignment, a move, the printed manifest and its
/// CSV, departure check-in by badge code. Participants, preferences and badges are arranged through the gRPC API.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class LogisticsJourneyTests(WebApp web, ITestOutputHelper output)
{
    private const string UserName = "bus-desk-web", Password = "board the buses at city hall";

    [Fact]
    public Task Staff_assign_seats_print_the_manifest_download_its_csv_and_check_in_departures() =>
        web.JourneyAsync(output, Screen.Desktop, async journey =>
        {
            const string Ga = "web-logi";
            var (secretariat, logistics) = await ArrangeAsync(Ga);
            var page = journey.Page;
            await SignInAsync(journey);
            await journey.GotoAsync($"/logistics?assembly={Ga}");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Site visits");

            // A visit with one two-seat bus, created on the screen.
            await page.Locator("#title-en").FillAsync("N Seoul Tower");
            await page.Locator("#title-ko").FillAsync("N서울타워");
            await page.Locator("#place").FillAsync("Namsan, Yongsan-gu, Seoul");
            await page.Locator("#meeting-point").FillAsync("Seoul City Hall, west gate");
            await page.Locator("#starts").FillAsync("2027-09-08T09:00");
            await page.Locator("#ends").FillAsync("2027-09-08T12:00");
            await page.Locator("#capacity").FillAsync("2");
            await page.Locator("#vehicle-seats-1").FillAsync("2");
            await page.Locator("#vehicle-label-1").FillAsync("Bus 1, 12가 3456");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create the visit" }).ClickAsync();
            var visitId = $"{Ga}.visit-1";
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Created N Seoul Tower." })).ToBeVisibleAsync();
            await Expect(page.Locator("li.visit")).ToContainTextAsync("09:00 – 12:00");
            await journey.StepAsync("visit-created");

            // Three people want the two seats.
            var (ids, badges) = (new List<string>(), new List<string>());
            foreach (var (city, name) in new[] { ("seoul", "하나"), ("busan", "Dos"), ("lima", "Tres") })
            {
                var (id, badge) = await secretariat.ApprovedAsync(Ga, city, name);
                await logistics.SubmitPreferences(id, visitId);
                ids.Add(id);
                badges.Add(badge);
            }

            await page.GetByRole(AriaRole.Button, new() { Name = "Run the assignment" }).ClickAsync();
            var summary = page.Locator(".summary");
            await Expect(summary.Locator("dd.placed")).ToHaveTextAsync("2");
            await Expect(summary.Locator("dd.unplaced")).ToHaveTextAsync("1");
            await Expect(page.Locator("progress")).ToHaveCountAsync(0);
            await Expect(page.Locator("li.visit .capacity")).ToHaveTextAsync("2 of 2 seated, 1 waiting");
            await journey.StepAsync("assignment-run");

            await page.GetByRole(AriaRole.Link, new() { Name = "Assignment", Exact = true }).First.ClickAsync();
            await Expect(page.Locator("table.seated tbody tr")).ToHaveCountAsync(2);
            await Expect(page.Locator("table.waitlist tbody tr")).ToHaveCountAsync(1);
            await journey.StepAsync("seats");

            // The visit is full: a move onto it is refused with the reason, then made with an override and a reason.
            await page.Locator("table.waitlist").GetByRole(AriaRole.Button, new() { Name = "Move" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Move", Exact = true }).First.ClickAsync();
            await Expect(page.Locator(".problem")).ToContainTextAsync("Not possible now:");
            await Expect(page.Locator("table.seated tbody tr")).ToHaveCountAsync(2);
            await page.GetByLabel("Seat even if full (override capacity)").CheckAsync();
            await page.GetByLabel("Reason (required with an override; kept in the audit log)").FillAsync("Speaker at the opening session");
            await page.GetByRole(AriaRole.Button, new() { Name = "Move", Exact = true }).First.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Moved" })).ToBeVisibleAsync();
            await Expect(page.Locator("table.seated tbody tr")).ToHaveCountAsync(3);
            await Expect(page.Locator("table.seated")).ToContainTextAsync("(staff)");
            await journey.StepAsync("moved-with-override");

            // The manifest, on screen and as printed: the navigation and the buttons are not printed.
            await page.GetByRole(AriaRole.Link, new() { Name = "Manifest" }).ClickAsync();
            await Expect(page.Locator("table.passengers tbody tr")).ToHaveCountAsync(3);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print" })).ToBeVisibleAsync();
            await journey.StepAsync("manifest");
            await page.EmulateMediaAsync(new() { Media = Media.Print });
            await Expect(page.Locator("header.top")).ToBeHiddenAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print" })).ToBeHiddenAsync();
            await Expect(page.Locator("table.passengers tbody tr").First).ToBeVisibleAsync();
            await journey.StepAsync("manifest-print");
            await page.EmulateMediaAsync(new() { Media = Media.Screen });

            // The CSV download is ExportManifest's own file: a header, the three passengers of bus-1.
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
            Assert.Equal($"{visitId}.csv", download.SuggestedFilename);
            var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
            Assert.Equal(await logistics.ExportManifest(visitId), csv);
            var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("vehicle_id,vehicle_label,participant_id,", rows[0]);
            Assert.Equal(3, rows.Skip(1).Count(r => r.StartsWith("bus-1,", StringComparison.Ordinal)));
            Assert.Contains(rows, r => r.Contains("Tres", StringComparison.Ordinal));

            // Departure: a scan checks in, a second scan says so and changes nothing, a bad code is refused.
            await page.GetByRole(AriaRole.Link, new() { Name = "Departure check-in" }).ClickAsync();
            var code = page.GetByLabel("Badge code");
            await Expect(code).ToBeFocusedAsync();
            await code.FillAsync(badges[0]);
            await code.PressAsync("Enter");
            await Expect(page.Locator(".scan-ok")).ToContainTextAsync("Checked in");
            await Expect(page.Locator(".scan-ok")).ToContainTextAsync("하나");
            await Expect(page.Locator(".count")).ToHaveTextAsync("1 of 3 checked in");
            await Expect(code).ToHaveValueAsync("");
            await journey.StepAsync("checked-in");
            await code.FillAsync(badges[0]);
            await code.PressAsync("Enter");
            await Expect(page.Locator(".scan-again")).ToContainTextAsync("Already checked in");
            await journey.StepAsync("already-checked-in");
            await code.FillAsync("not-a-badge-code");
            await code.PressAsync("Enter");
            await Expect(page.Locator(".problem")).ToContainTextAsync("Unknown badge");
            await Expect(page.Locator(".problem")).ToContainTextAsync("accreditation desk");
            await Expect(page.Locator(".count")).ToHaveTextAsync("1 of 3 checked in");
            await journey.StepAsync("bad-badge");
            var manifest = await logistics.GetManifest(visitId);
            Assert.Equal(1, manifest.Vehicles.SelectMany(v => v.Passengers).Count(p => p.CheckedIn));

            // Arrivals by airport and hour, for the pickups.
            await logistics.SubmitItinerary(new Itinerary
            {
                ParticipantId = ids[2], NeedsAirportPickup = true,
                Arrival = new FlightLeg { FlightNumber = "KE902", AirportCode = "ICN", ScheduledAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2027, 9, 6, 15, 40, 0, TimeSpan.FromHours(9))) },
            });
            await journey.GotoAsync($"/logistics/arrivals?assembly={Ga}");
            var group = page.Locator("section.arrivals");
            await Expect(group.Locator("h2")).ToHaveTextAsync("ICN · 09-06 15:00–16:00");
            await Expect(group).ToContainTextAsync("1 arriving, 1 to be met");
            await Expect(group.Locator("tbody tr")).ToContainTextAsync("KE902");
            await journey.StepAsync("arrivals");
        });

    [Fact]
    public Task Departure_check_in_works_on_a_phone() =>
        web.JourneyAsync(output, Screen.Phone, async journey =>
        {
            const string Ga = "web-logi-phone";
            var (secretariat, logistics) = await ArrangeAsync(Ga);
            var visit = await logistics.CreateSiteVisit(LogisticsCalls.Visit(Ga, "Gyeongbokgung", capacity: 2, startHour: 9, ("bus-1", 2)));
            var (id, badge) = await secretariat.ApprovedAsync(Ga, "seoul", "하나");
            await logistics.SubmitPreferences(id, visit.Id);
            await logistics.RunAssignment(Ga);

            await SignInAsync(journey);
            await journey.GotoAsync($"/logistics/visits/{visit.Id}/check-in");
            var code = journey.Page.GetByLabel("Badge code");
            await code.FillAsync(badge);
            await code.PressAsync("Enter");
            await Expect(journey.Page.Locator(".scan-ok")).ToContainTextAsync("Checked in");
            await Expect(journey.Page.Locator(".count")).ToHaveTextAsync("1 of 1 checked in");
            // Nothing wider than the phone: no sideways scrolling at the bus door.
            Assert.True(await journey.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
            await journey.StepAsync("phone-checked-in");
        });

    private async Task<(SampleApi Secretariat, SampleApi Logistics)> ArrangeAsync(string assemblyId)
    {
        var secretariat = await web.Server.SecretariatAsync();
        var account = new StaffAccount { UserName = UserName, DisplayName = "Bus desk" };
        account.Roles.Add(UserRole.Logistics);
        await secretariat.UpsertStaffAccount(account, Password);
        await secretariat.CreateAssembly(new Assembly { Id = assemblyId, Title = "Web logistics " + assemblyId, Year = 2027, TimeZone = "Asia/Seoul" });
        return (secretariat, await web.Server.StaffAsync(UserName, Password));
    }

    private static async Task SignInAsync(Journey journey)
    {
        await journey.GotoAsync("/signin");
        await journey.Page.Locator("#user-name").FillAsync(UserName);
        await journey.Page.Locator("#password").FillAsync(Password);
        await journey.Page.Locator("section[aria-labelledby=staff-heading] button[type=submit]").ClickAsync();
        // Staff start on the logistics page.
        await Expect(journey.Page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Site visits" })).ToBeVisibleAsync();
    }
}
