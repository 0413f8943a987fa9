using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Web.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

/// <summary>
/// The delegation portal in the browser: the secretariat invites a city's focal point, who signs in by the link,
/// registers a delegation of three with a photo and a passport, asks a visa letter for one and submits; the secretariat
/// issues the letter; the PDF carries both scripts and a verification address where an embassy sees the letter stand,
/// and then revoked. And a secretariat's spreadsheet import, refused by its bad row and taken once it is fixed.
/// </summary>
[Collection(WebCollection.Name)]
public sealed partial class FocalPointJourneyTests(WebApp web, ITestOutputHelper output)
{
    private static int counter;

    private async Task<(SampleApi Secretariat, string Ga)> UpcomingAssemblyAsync()
    {
        var secretariat = await web.Server.SecretariatAsync();
        var ga = $"portal-{Interlocked.Increment(ref counter)}";
        await secretariat.CreateAssembly(new Assembly
        {
            Id = ga, Title = "WeGO 8th General Assembly", Venue = "Seoul City Hall", Year = 2027, TimeZone = "Asia/Seoul", StartsOn = "2027-09-07", EndsOn = "2027-09-09",
        });
        return (secretariat, ga);
    }

    /// <summary>A file the server makes, fetched with the page's own sign-in, once the background job has made it.</summary>
    private static async Task<byte[]> DownloadAsync(Journey journey, string path)
    {
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); ; await Task.Delay(250))
        {
            var response = await journey.Page.Context.APIRequest.GetAsync(path);
            if (response.Ok)
                return await response.BodyAsync();
            Assert.True(response.Status == 503 && waited.Elapsed < TimeSpan.FromSeconds(60), $"GET {path}: {response.Status} {await response.TextAsync()}");
        }
    }

    private static async Task OpenDetailsAsync(IPage page, string name)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = $"Details of {name}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Personal details · {name}" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_focal_point_registers_a_delegation_of_three_asks_a_visa_letter_and_an_embassy_verifies_it()
    {
        var (secretariat, ga) = await UpcomingAssemblyAsync();
        var delegationPage = $"/secretariat/delegation?assembly={ga}&city=seoul";

        string signIn = "";
        await web.JourneyAsync(output, Screen.Desktop, async journey =>
        {
            var page = journey.Page;
            await SecretariatBallotTests.SignInStaffAsync(journey);
            await journey.GotoAsync(delegationPage);
            await journey.LiveAsync();
            await page.GetByLabel("Focal point's full name").FillAsync("Lee Su-jin");
            await page.GetByLabel("Address the invitation goes to").FillAsync("focal@seoul.example.org");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Invitation sent to focal@seoul.example.org" })).ToBeVisibleAsync();
            var link = new Uri(await page.Locator("code.access-code").InnerTextAsync());
            signIn = link.PathAndQuery;
            await Expect(page.Locator("#review-heading + p")).ToContainTextAsync("Focal point: Lee Su-jin");
            await journey.StepAsync("invited");
        }, step: "invite");

        await web.JourneyAsync(output, Screen.Phone, async journey =>
        {
            var page = journey.Page;
            await journey.GotoAsync(signIn);   // the e-mail's link: the code is filled in
            await page.GetByRole(AriaRole.Region, new() { Name = "Delegates and participants" }).GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/delegation$"));
            await journey.LiveAsync();

            foreach (var (given, family, email, role) in new[]
            {
                ("민지", "김", "minji@seoul.example.org", "Voting delegate"),
                ("준호", "박", "junho@seoul.example.org", "Alternate"),
                ("Anna", "Schmidt", "anna@seoul.example.org", "Advisor"),
            })
            {
                await page.GetByLabel("Given name", new() { Exact = true }).First.FillAsync(given);
                await page.GetByLabel("Family name (empty for a single name)").FillAsync(family);
                await page.Locator("#email").FillAsync(email);
                await page.GetByLabel("Role").SelectOptionAsync(new SelectOptionValue { Label = role });
                await page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
                await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"{given} {family} is registered" })).ToBeVisibleAsync();
            }
            await journey.StepAsync("three-registered");
            await page.GetByLabel("Upload the letter").SetInputFilesAsync(new FilePayload { Name = "credentials.pdf", MimeType = "application/pdf", Buffer = AccreditationCalls.Pdf });
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Letter received." })).ToBeVisibleAsync();

            await OpenDetailsAsync(page, "Anna Schmidt");
            await page.Locator("[id^=latin-given-]").FillAsync("Anna");
            await page.Locator("[id^=latin-family-]").FillAsync("Schmidt");
            await page.Locator("[id^=passport-number-]").FillAsync("C01X00T47");
            await page.Locator("[id^=nationality-]").FillAsync("DEU");
            await page.Locator("[id^=birth-]").FillAsync("1975-02-14");
            await page.Locator("[id^=expiry-]").FillAsync("2030-06-30");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save details" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved." })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Ask for a visa letter" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Asked for; waiting for the secretariat." })).ToBeVisibleAsync();
            await journey.StepAsync("visa-letter-asked");
            await page.GetByLabel("Flight number (e.g. KE902)").FillAsync("LH712");
            await page.GetByLabel("Airport code (e.g. ICN)").FillAsync("ICN");
            await page.GetByLabel("Arrival, local time (Asia/Seoul)").FillAsync("2027-09-06T14:10");
            await page.GetByLabel("Meet at the airport").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Save the arrival" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved: LH712 at ICN, 2027-09-06 14:10 (Asia/Seoul)." })).ToBeVisibleAsync();

            await OpenDetailsAsync(page, "민지 김");
            await page.GetByLabel("Upload a photo").SetInputFilesAsync(new FilePayload { Name = "minji.png", MimeType = "image/png", Buffer = DocumentEndToEndTests.Png(400, 500) });
            await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Photo of 민지 김" })).ToBeVisibleAsync();
            await journey.StepAsync("photo");

            await page.GetByRole(AriaRole.Button, new() { Name = "Submit the delegation for review" }).ClickAsync();
            await Expect(page.GetByText(new Regex("^Submitted for review"))).ToBeVisibleAsync();
            await journey.StepAsync("submitted");
        }, step: "focal-point");

        var delegation = await secretariat.GetDelegation(ga, "seoul");
        Assert.NotNull(delegation.SubmittedForReviewAt);
        var arrivals = (await secretariat.ListArrivals(new() { AssemblyId = ga })).Groups.SelectMany(g => g.Arrivals).ToList();
        Assert.Equal("LH712", Assert.Single(arrivals).Flight.FlightNumber);   // on the arrivals board
        var (minji, anna) = (delegation.Participants.Single(p => p.GivenName == "민지"), delegation.Participants.Single(p => p.GivenName == "Anna"));
        foreach (var p in delegation.Participants)
            await secretariat.Review(p.Id, AccreditationDecision.Approve);
        await secretariat.IssueBadge(minji.Id);

        await web.JourneyAsync(output, Screen.Desktop, async journey =>
        {
            var page = journey.Page;
            await SecretariatBallotTests.SignInStaffAsync(journey);
            await journey.GotoAsync(delegationPage);
            await journey.LiveAsync();
            await OpenDetailsAsync(page, "Anna Schmidt");
            await page.GetByRole(AriaRole.Button, new() { Name = "Issue the letter" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Issued: WEGO-" })).ToBeVisibleAsync();
            await journey.StepAsync("letter-issued");

            var letter = await DocumentEndToEndTests.PdfTextAsync(await DownloadAsync(journey, $"/documents/{anna.Id}/visa-letter.pdf"));
            Assert.Contains("Anna SCHMIDT", letter);
            Assert.Contains("초청장", letter);
            Assert.Contains($"WEGO-{anna.Id.Replace('.', '-').ToUpperInvariant()}-1", letter);
            var code = Uri.UnescapeDataString(Regex.Match(letter, @"/verify/([\w.~%-]+)").Groups[1].Value);
            var badge = await DocumentEndToEndTests.PdfTextAsync(await DownloadAsync(journey, $"/documents/{minji.Id}/badge.pdf"));
            Assert.Contains("민지 김", badge);

            // The embassy's view: no sign-in, the letter stands, the number masked.
            await using var embassy = await web.Browser.NewContextAsync(new() { BaseURL = web.Server.WebAddress.ToString() });
            var verify = await embassy.NewPageAsync();
            Assert.Equal(anna.Id, code[..code.LastIndexOf('.')]);
            await verify.GotoAsync($"/verify/{Uri.EscapeDataString(code)}");
            await Expect(verify.Locator("#verdict")).ToContainTextAsync("Valid");
            await Expect(verify.Locator("dl.letter")).ToContainTextAsync("•••••0T47");
            await Expect(verify.Locator("dl.letter")).Not.ToContainTextAsync("C01X00T47");

            await page.Locator("[id^=letter-reason-]").FillAsync("Withdrawn by the city.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Revoke the letter" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Revoked" })).ToBeVisibleAsync();
            await verify.ReloadAsync();
            await Expect(verify.Locator("#verdict")).ToContainTextAsync("Revoked");
            await verify.ScreenshotAsync(new() { Path = Path.Combine(WebApp.ScreenshotRoot, "verify-revoked.png"), FullPage = true });
            await journey.StepAsync("letter-revoked");
        }, step: "secretariat");
    }

    [Fact]
    public async Task The_secretariat_imports_a_spreadsheet_refused_for_its_bad_row_then_taken_when_fixed()
    {
        var (secretariat, ga) = await UpcomingAssemblyAsync();
        const string header = "member_city_id,given_name,family_name,given_name_latin,family_name_latin,email,role\n";
        const string good = "seoul,민지,김,Min-ji,Kim,minji@seoul.example.org,voting_delegate\nbusan,Ji-soo,Park,Ji-soo,Park,jisoo@busan.example.org,advisor\n";

        await web.JourneyAsync(output, Screen.Desktop, async journey =>
        {
            var page = journey.Page;
            await SecretariatBallotTests.SignInStaffAsync(journey);
            await journey.GotoAsync($"/secretariat/import?assembly={ga}");
            await journey.LiveAsync();
            var file = page.GetByLabel("CSV file");
            await file.SetInputFilesAsync(new FilePayload { Name = "delegates.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(header + good + "seoul,Kai,,Kai,,kai@seoul,observer\n") });
            await page.GetByRole(AriaRole.Button, new() { Name = "Check and preview" }).ClickAsync();
            await Expect(page.Locator(".import-errors")).ToContainTextAsync("kai@seoul");
            await Expect(page.Locator(".import-errors tbody tr td").First).ToHaveTextAsync("4");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Register 2 people" })).ToBeDisabledAsync();
            await journey.StepAsync("refused-row");

            await file.SetInputFilesAsync(new FilePayload { Name = "delegates.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(header + good) });
            await page.GetByRole(AriaRole.Button, new() { Name = "Check and preview" }).ClickAsync();
            await Expect(page.Locator(".import-summary")).ToContainTextAsync("all good; 2 to register");
            await journey.StepAsync("preview");
            await page.GetByRole(AriaRole.Button, new() { Name = "Register 2 people" }).ClickAsync();
            await Expect(page.Locator(".import-summary")).ToContainTextAsync("2 registered");
            await Expect(page.Locator(".import-rows")).ToContainTextAsync($"{ga}.seoul.p1");
            await journey.StepAsync("registered");
        });

        Assert.Equal("민지", Assert.Single((await secretariat.GetDelegation(ga, "seoul")).Participants).GivenName);
        Assert.Equal("Ji-soo", Assert.Single((await secretariat.GetDelegation(ga, "busan")).Participants).GivenName);
    }
}
