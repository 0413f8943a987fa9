using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Testing;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

/// <summary>
/// A secretariat runs a whole assembly from the web UI alone, on a server started as in production: no sample data,
/// nothing in the database but the first administrator. Every step goes through the screens a person uses; the
/// delegate's steps run on a phone-sized page in a browser of their own.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class FirstRunTests(WebApp web, ITestOutputHelper output) : IAsyncLifetime
{
    private const string NewAdminPassword = "a new password for the assembly", ClerkPassword = "kim's own password at the desk";

    // Seoul is the one member entitled to vote (dues paid through the year before 2027); Busan is behind on its dues.
    private const string MemberCsv = """
        id,name_en,name_local,country_code,category,dues_paid_through_year,status
        seoul,Seoul,서울,KR,Full,2026,Active
        busan,Busan,부산,KR,Full,2024,Active
        """;

    private readonly TempSqliteFile database = new();
    private WeGoServer server = null!;

    public async Task InitializeAsync() => server = await WeGoServer.StartAsync(new Dictionary<string, string?>
    {
        ["Storage:SqlitePath"] = database.Path,
        ["Seed:SampleData"] = "false",
    });

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        database.Dispose();
    }

    [Fact]
    public async Task A_secretariat_runs_an_assembly_from_an_empty_database_in_the_browser()
    {
        string accessCode = "", assemblyId = "";
        byte[] badgeQr = [];

        // The administrator: first sign-in, own password, the assembly, the member register, a colleague's account.
        await Journey(Screen.Desktop, "administrator", async journey =>
        {
            var page = journey.Page;
            await SecretariatBallotTests.SignInStaffAsync(journey, WeGoServer.AdminUserName, WeGoServer.AdminPassword);
            await Expect(page.Locator(".first-run")).ToContainTextAsync("Create the assembly");
            await journey.StepAsync("first-run");

            // Before there is an assembly, a staff page says so and leads to creating one (no id, no endless "Loading…").
            await journey.GotoAsync("/secretariat/ballots");
            await journey.LiveAsync();
            await Expect(page.Locator(".first-run")).ToContainTextAsync("No assembly exists yet.");
            await Expect(page.GetByText("Loading…")).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Create the assembly" })).ToBeVisibleAsync();
            await journey.GotoAsync("/secretariat");

            await page.GetByRole(AriaRole.Link, new() { Name = "Change it now" }).ClickAsync();
            await journey.LiveAsync();
            await page.GetByLabel("Current password").FillAsync("not the password at all");
            await page.GetByLabel("New password", new() { Exact = true }).FillAsync(NewAdminPassword);
            await page.GetByLabel("New password again").FillAsync(NewAdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The current password is wrong");
            await page.GetByLabel("Current password").FillAsync(WeGoServer.AdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password is changed");
            await journey.StepAsync("password-changed");

            await journey.GotoAsync("/secretariat/assembly?new=true");
            await journey.LiveAsync();
            await page.GetByLabel("Id (in addresses and exports)").FillAsync("ga-2027");
            await page.GetByLabel("Title", new() { Exact = true }).FillAsync("WeGO 8th General Assembly");
            await page.GetByLabel("Venue", new() { Exact = true }).FillAsync("Seoul City Hall");
            await page.GetByLabel("Year (dues must be paid through the year before to vote)").FillAsync("2027");
            await page.GetByLabel("Time zone of the venue").FillAsync("Asia/Seoul");
            await page.GetByLabel("First day").FillAsync("2027-09-07");
            await page.GetByLabel("Last day").FillAsync("2027-09-09");
            await journey.StepAsync("create-assembly");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create the assembly" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The assembly is created");
            await Expect(page.GetByLabel("Assembly", new() { Exact = true })).ToHaveValueAsync("ga-2027");
            assemblyId = "ga-2027";

            await journey.GotoAsync("/secretariat/members");
            await journey.LiveAsync();
            await page.Locator("#csv-file").SetInputFilesAsync(new FilePayload { Name = "members.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(MemberCsv) });
            await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
            await Expect(page.Locator(".import-summary")).ToContainTextAsync("2 imported");

            await journey.GotoAsync("/secretariat/staff");
            await journey.LiveAsync();
            await page.GetByLabel("User name").FillAsync("kim.desk");
            await page.GetByLabel("Name shown on screens").FillAsync("Kim at the desk");
            await page.GetByRole(AriaRole.Checkbox, new() { NameRegex = new Regex("Secretariat:") }).CheckAsync();
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(ClerkPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Account kim.desk created.");
            await Expect(page.Locator("ul.people")).ToContainTextAsync("Kim at the desk");
            await journey.StepAsync("staff-accounts");
        });

        // The secretariat member registers Seoul's voting delegate (the city does not register itself) and approves her.
        await Journey(Screen.Desktop, "registration", async journey =>
        {
            var page = journey.Page;
            await SecretariatBallotTests.SignInStaffAsync(journey, "kim.desk", ClerkPassword);
            await journey.GotoAsync("/secretariat/delegation");
            await journey.LiveAsync();
            await page.GetByLabel("Member city").SelectOptionAsync(new SelectOptionValue { Label = "Seoul · 서울" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
            await journey.LiveAsync();
            await Expect(page.Locator("#people-heading")).ToContainTextAsync("Seoul · 서울");
            await page.GetByLabel("Given name").FillAsync("Min-ji");
            await page.GetByLabel("Family name (empty for a single name)").FillAsync("Kim");
            await page.GetByLabel("E-mail").FillAsync("minji.kim@seoul.example");
            await page.GetByLabel("Role").SelectOptionAsync(new SelectOptionValue { Label = "Voting delegate" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
            var slip = page.Locator(".access-slip");
            await Expect(slip).ToContainTextAsync("Min-ji Kim · Seoul · 서울");
            await Expect(slip.GetByRole(AriaRole.Button, new() { Name = "Print the slip" })).ToBeVisibleAsync();
            accessCode = await slip.Locator(".access-code").InnerTextAsync();
            await journey.StepAsync("access-code-slip");
            await page.EmulateMediaAsync(new() { Media = Media.Print });
            await Expect(page.GetByRole(AriaRole.Navigation)).ToBeHiddenAsync();
            await Expect(slip.Locator(".access-code")).ToBeVisibleAsync();
            await journey.StepAsync("access-code-slip-printed");
            await page.EmulateMediaAsync(new() { Media = Media.Screen });

            await page.Locator("#letter-file").SetInputFilesAsync(new FilePayload { Name = "credentials.pdf", MimeType = "application/pdf", Buffer = AccreditationCalls.Pdf });
            await Expect(page.GetByText("Letter received.")).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Link, new() { Name = "Review on the accreditation page" }).ClickAsync();
            await journey.LiveAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Approve Min-ji Kim" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Min-ji Kim" })).ToContainTextAsync("approved");
        });

        // The delegate signs in on her phone with the code from the slip and shows her badge's QR code.
        await Journey(Screen.Phone, "delegate-badge", async journey =>
        {
            var page = journey.Page;
            await ParticipantJourneyTests.SignInAsync(journey, accessCode);
            await journey.GotoAsync("/badge");
            await journey.LiveAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Issue my badge" }).ClickAsync();
            var qr = page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^QR code of badge") });
            await Expect(qr).ToBeVisibleAsync();
            badgeQr = Convert.FromBase64String((await qr.GetAttributeAsync("src"))!["data:image/png;base64,".Length..]);
            await journey.StepAsync("badge");
        });

        // At the door, on a phone: the badge's QR code is read from a photo of it; a second scan changes nothing.
        await Journey(Screen.Phone, "door", async journey =>
        {
            var page = journey.Page;
            await SecretariatBallotTests.SignInStaffAsync(journey, "kim.desk", ClerkPassword);
            await journey.GotoAsync("/door");
            await journey.LiveAsync();
            await Expect(page.Locator(".quorum-text")).ToContainTextAsync("0 present of 1 eligible; 1 required");

            await page.GetByLabel("Or take or choose a photo of the badge").SetInputFilesAsync(new FilePayload { Name = "badge.png", MimeType = "image/png", Buffer = badgeQr });
            var result = page.Locator(".door-result");
            await Expect(result.Locator("h2")).ToHaveTextAsync("Welcome: checked in");
            await Expect(result).ToContainTextAsync("Min-ji Kim");
            await Expect(result).ToContainTextAsync("Seoul · 서울 · Voting delegate");
            await Expect(page.Locator(".quorum-text")).ToContainTextAsync("1 present of 1 eligible; 1 required: quorum met");
            await journey.StepAsync("checked-in");

            await page.GetByLabel("Or take or choose a photo of the badge").SetInputFilesAsync(new FilePayload { Name = "badge.png", MimeType = "image/png", Buffer = badgeQr });
            await Expect(result.Locator("h2")).ToHaveTextAsync("Already checked in: nothing changed");
            await Expect(result).ToContainTextAsync("(Asia/Seoul)");

            await page.GetByLabel("Or type the code printed under the QR code").FillAsync("not-a-badge-code");
            await page.GetByRole(AriaRole.Button, new() { Name = "Check in" }).ClickAsync();
            await Expect(result.Locator("h2")).ToHaveTextAsync("Unknown or replaced badge: do not let in");
            await journey.StepAsync("unknown-badge");
        });

        // The chair puts a motion on the agenda and opens its ballot, now that quorum is met; the delegate votes.
        await Journey(Screen.Desktop, "ballot", async journey =>
        {
            var page = journey.Page;
            await SecretariatBallotTests.SignInStaffAsync(journey, "kim.desk", ClerkPassword);
            await journey.GotoAsync("/secretariat/agenda");
            await journey.LiveAsync();
            await page.GetByLabel("Number").FillAsync("3");
            await page.GetByLabel("Title (English)").FillAsync("Work plan 2028");
            await page.GetByLabel("Title (Korean)").FillAsync("2028년 사업 계획");
            await page.GetByLabel("Kind").SelectOptionAsync(new SelectOptionValue { Label = "decision (motion)" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Add to the agenda" }).ClickAsync();
            await Expect(page.Locator("ol.agenda")).ToContainTextAsync("Work plan 2028");

            await journey.GotoAsync("/secretariat/ballots");
            await journey.LiveAsync();
            await Expect(page.Locator(".quorum-text")).ToContainTextAsync("quorum met");
            await page.GetByLabel("Question (English)").FillAsync("Adopt the work plan 2028?");
            await page.GetByLabel("Question (Korean)").FillAsync("2028년 사업 계획을 채택합니까?");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create ballot" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Open this ballot" }).ClickAsync();
            await Expect(page.Locator(".votes-cast")).ToHaveTextAsync("0 of 1 entitled members have voted");

            await Journey(Screen.Phone, "delegate-vote", async phone =>
            {
                await ParticipantJourneyTests.SignInAsync(phone, accessCode);
                await phone.Page.GetByLabel("Yes", new() { Exact = true }).CheckAsync();
                await phone.Page.GetByRole(AriaRole.Button, new() { Name = "Review my vote" }).ClickAsync();
                await phone.Page.GetByRole(AriaRole.Button, new() { Name = "Cast my vote" }).ClickAsync();
                await Expect(phone.Page.GetByText("Your vote is counted")).ToBeVisibleAsync();
                await phone.StepAsync("voted");
            });

            await Expect(page.Locator(".votes-cast")).ToHaveTextAsync("1 of 1 entitled members have voted");
            await page.GetByRole(AriaRole.Button, new() { Name = "Close and count", Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Yes, close and count" }).ClickAsync();
            await Expect(page.Locator(".outcome")).ToHaveTextAsync("adopted");
            await journey.StepAsync("result");

            // The minutes, in both languages, with Seoul's roll-call vote and times in Seoul's zone.
            await page.GetByRole(AriaRole.Link, new() { Name = "Minutes: debates and votes (English and Korean, printable)" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex($"/assemblies/{assemblyId}/minutes$"));
            var minutes = page.Locator("body");
            await Expect(minutes).ToContainTextAsync("Minutes · 회의록");
            await Expect(minutes).ToContainTextAsync("2028년 사업 계획");
            await Expect(minutes).ToContainTextAsync("adopted · 가결");
            await Expect(minutes).ToContainTextAsync("roll-call vote · 기명 투표");
            await Expect(page.Locator("tr", new() { HasText = "Seoul · 서울" })).ToContainTextAsync("yes · 찬성");
            await Expect(minutes).ToContainTextAsync("(Asia/Seoul)");
            await journey.StepAsync("minutes");
        });
    }

    private Task Journey(Screen screen, string step, Func<Journey, Task> steps) =>
        web.JourneyAsync(output, screen, steps, nameof(A_secretariat_runs_an_assembly_from_an_empty_database_in_the_browser), server: server, step: step);
}
