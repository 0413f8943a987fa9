using System.Text;
using Microsoft.Playwright;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

/// <summary>The secretariat's agenda editor, member register import and audit log in the real browser.</summary>
[Collection(WebCollection.Name)]
public sealed class SecretariatRecordsTests(WebApp web, ITestOutputHelper output)
{
    [Fact]
    public Task The_e_mail_delivery_log_shows_held_messages_in_english_and_korean_and_says_why_a_resend_cannot_go() =>
        web.JourneyAsync(output, Screen.Desktop, async journey =>
        {
            var page = journey.Page;
            var scene = await AssemblyScene.CreateAsync(web.Server);
            var email = $"mail-{Guid.NewGuid().ToString("N")[..8]}@daegu.example.org";
            var registered = await scene.Secretariat.RegisterParticipant(new()
            {
                AssemblyId = scene.Id, MemberCityId = "daegu", GivenName = "서연", FamilyName = "최", Email = email,
                Role = ParticipantRole.Observer, Language = "ko",
            });

            await SecretariatBallotTests.SignInStaffAsync(journey);
            await journey.LiveAsync();   // a link clicked before the desk runs live can be overtaken by the desk's own first render
            await page.GetByRole(AriaRole.Link, new() { Name = "E-mail delivery log" }).ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("E-mail delivery log");
            await journey.LiveAsync();
            await page.GetByLabel("Status").SelectOptionAsync(new SelectOptionValue { Label = "held: no mail server, pass on by hand" });
            await page.GetByLabel("Recipient (part of the name or address)").FillAsync(email[..12].ToUpperInvariant());
            await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            var row = page.Locator("table.mail tbody tr");
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row).ToContainTextAsync("서연 최");
            await Expect(row).ToContainTextAsync("access code (ko)");
            await Expect(row).ToContainTextAsync("held: no mail server, pass on by hand");
            await journey.StepAsync("mail-held");

            await row.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
            await Expect(page.Locator("pre.mail-body")).ToContainTextAsync("개인 접속 코드: {access-code}");
            await Expect(page.Locator("pre.mail-body")).Not.ToContainTextAsync(registered.AccessCode);
            await Expect(page.Locator("ol.history")).ToContainTextAsync("held: No mail server is configured");
            await row.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex(@"^Send message \d+ again$") }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("No mail server is configured (Mail:Host)");
            await journey.StepAsync("mail-resend-refused");

            await page.GetByRole(AriaRole.Link, new() { Name = "한국어" }).ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("이메일 발송 기록");
            await journey.LiveAsync();
            await page.GetByLabel("받는 사람 (이름이나 주소의 일부)").FillAsync(email);
            await page.GetByRole(AriaRole.Button, new() { Name = "보기" }).ClickAsync();
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row).ToContainTextAsync("접속 코드 (ko)");
            await Expect(row).ToContainTextAsync("보류: 메일 서버 없음, 직접 전달");
            await journey.StepAsync("mail-korean");
        });

    [Fact]
    public Task The_jobs_and_cluster_dashboards_are_linked_from_the_desk_and_closed_to_everyone_but_administrators() =>
        web.JourneyAsync(output, Screen.Desktop, async journey =>
        {
            var page = journey.Page;
            // Asked without navigating, so the refusals do not count as console errors of a page.
            Assert.Equal(401, (await page.APIRequest.GetAsync("/jobs")).Status);
            Assert.Equal(401, (await page.APIRequest.GetAsync("/cluster")).Status);
            Assert.Equal(401, (await page.APIRequest.GetAsync("/cluster/DashboardCounters")).Status);

            const string userName = "jobs-logistics", password = "a bus desk passphrase";
            var account = new StaffAccount { UserName = userName, DisplayName = "Jobs logistics" };
            account.Roles.Add(UserRole.Logistics);
            await (await web.Server.SecretariatAsync()).UpsertStaffAccount(account, password);
            await journey.GotoAsync("/signin");
            await page.Locator("#user-name").FillAsync(userName);
            await page.Locator("#password").FillAsync(password);
            await page.Locator("section[aria-labelledby=staff-heading] button[type=submit]").ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Site visits" })).ToBeVisibleAsync();
            Assert.Equal(403, (await page.APIRequest.GetAsync("/jobs")).Status);
            Assert.Equal(403, (await page.APIRequest.GetAsync("/jobs/jobs/scheduled")).Status);
            Assert.Equal(403, (await page.APIRequest.GetAsync("/cluster")).Status);
            Assert.Equal(403, (await page.APIRequest.GetAsync("/cluster/DashboardCounters")).Status);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

            await SecretariatBallotTests.SignInStaffAsync(journey);
            await page.GetByRole(AriaRole.Link, new() { Name = "Background jobs (deadlines, mail)" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/jobs/?$"));
            await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("WeGoAssembly jobs"));
            // This node's job server is listed on Hangfire's servers page.
            await journey.GotoAsync("/jobs/servers");
            await Expect(page.Locator("table").First).ToContainTextAsync(Environment.MachineName);
            await journey.StepAsync("jobs-dashboard");

            // The Orleans Dashboard lists this node's silo.
            await journey.GotoAsync("/secretariat");
            await page.GetByRole(AriaRole.Link, new() { Name = "Cluster (nodes, grains, calls)" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/cluster/?$"));
            Assert.Equal(200, (await page.APIRequest.GetAsync("/cluster/DashboardCounters")).Status);
            await journey.StepAsync("cluster-dashboard");
        });

    [Fact]
    public Task The_agenda_is_written_in_both_languages_reordered_and_shows_in_the_audit_log() =>
        web.JourneyAsync(output, Screen.Phone, async journey =>
        {
            const string ga = "web-agenda";
            await (await web.Server.SecretariatAsync()).CreateAssembly(new Assembly { Id = ga, Title = "WeGO General Assembly (agenda)", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul" });
            var page = journey.Page;
            await SecretariatBallotTests.SignInStaffAsync(journey);
            await journey.GotoAsync($"/secretariat/agenda?assembly={ga}");
            await Expect(page.GetByText("The agenda is empty.")).ToBeVisibleAsync();

            // No English title: refused with what to correct, and the agenda stays empty.
            await page.GetByLabel("Number").FillAsync("1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add to the agenda" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Please correct: ");
            await Expect(page.GetByText("The agenda is empty.")).ToBeVisibleAsync();
            await journey.StepAsync("agenda-refused");

            foreach (var (number, en, ko) in new[] { ("1", "Opening", "개회"), ("2", "Budget 2024", "2024년 예산") })
            {
                await page.GetByLabel("Number").FillAsync(number);
                await page.GetByLabel("Title (English)").FillAsync(en);
                await page.GetByLabel("Title (Korean)").FillAsync(ko);
                await page.GetByRole(AriaRole.Button, new() { Name = "Add to the agenda" }).ClickAsync();
                await Expect(page.Locator("ol.agenda li", new() { HasText = ko })).ToBeVisibleAsync();
            }
            await page.GetByRole(AriaRole.Button, new() { Name = "Move item 2 up" }).ClickAsync();
            await Expect(page.Locator("ol.agenda li").First).ToContainTextAsync("2024년 예산");
            await journey.StepAsync("agenda-reordered");

            await journey.GotoAsync("/secretariat/audit");
            await page.GetByLabel("Action starts with (for example accreditation.)").FillAsync("agenda");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            await Expect(page.Locator("table.audit tbody tr").First).ToContainTextAsync("agenda.reordered");
            // Other journeys write agenda events too; this assembly's are the two items and the new order.
            var ours = page.Locator("table.audit tbody tr", new() { HasText = ga });
            await Expect(ours).ToHaveCountAsync(3);
            await Expect(ours.Filter(new() { HasText = "agenda-item.created" })).ToHaveCountAsync(2);
            await page.GetByRole(AriaRole.Button, new() { Name = "Prepare CSV export" }).ClickAsync();
            var href = await page.GetByRole(AriaRole.Link, new() { Name = "Download audit-log.csv" }).GetAttributeAsync("href");
            var csv = Encoding.UTF8.GetString(Convert.FromBase64String(href!["data:text/csv;charset=utf-8;base64,".Length..]));
            Assert.StartsWith("sequence,recorded_at,actor,action,subject,details", csv);
            Assert.Equal(3, csv.Split('\n').Count(l => l.Contains(ga, StringComparison.Ordinal)));
            await journey.StepAsync("audit-filtered");
        });

    [Fact]
    public Task A_member_csv_is_imported_in_pieces_with_each_refused_row_reported_at_its_line() =>
        web.JourneyAsync(output, Screen.Desktop, async journey =>
        {
            // 120 associate members (not voting-eligible, so other journeys' quorum stays as it is); line 77 has a bad country.
            var csv = new StringBuilder("id,name_en,name_local,country_code,category,dues_paid_through_year,status\n");
            for (var i = 1; i <= 120; i++)
                csv.Append($"web-import-{i:000},Import {i},,{(i == 76 ? "Korea" : "KR")},Associate,2023,Active\n");
            var page = journey.Page;
            await SecretariatBallotTests.SignInStaffAsync(journey);
            await journey.GotoAsync("/secretariat/members");
            await Expect(page.Locator("tbody tr").First).ToBeVisibleAsync();
            // A file set in the instant between the input appearing and InputFile wiring its change event up is not
            // seen (a person would pick it again); so the file is set again until the page has taken it.
            var import = page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true });
            var file = new FilePayload { Name = "members.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv.ToString()) };
            for (var attempt = 1; ; attempt++)
            {
                await page.GetByLabel("CSV file", new() { Exact = true }).SetInputFilesAsync(file);
                try
                {
                    await Expect(import).ToBeEnabledAsync(new() { Timeout = 10_000 });
                    break;
                }
                catch (PlaywrightException) when (attempt < 5)
                {
                }
            }
            await import.ClickAsync();
            await Expect(page.Locator(".import-summary")).ToHaveTextAsync("Read 120 rows: 119 imported, 1 refused.");
            await Expect(page.Locator("#import-progress")).ToHaveAttributeAsync("value", "120");
            var refused = page.Locator("table.import-errors tbody tr");
            await Expect(refused).ToHaveCountAsync(1);
            await Expect(refused.Locator("td").Nth(0)).ToHaveTextAsync("77");
            await Expect(refused.Locator("td").Nth(1)).ToHaveTextAsync("web-import-076");
            await journey.StepAsync("import-report");

            var secretariat = await web.Server.SecretariatAsync();
            Assert.Equal("Import 120", (await secretariat.GetMemberCity("web-import-120")).NameEn);
            Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => secretariat.GetMemberCity("web-import-076"))).StatusCode);
        });
}
