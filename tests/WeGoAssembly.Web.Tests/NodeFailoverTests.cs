using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WeGoAssembly.Testing;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

/// <summary>
/// A browser behind nginx in front of a two-node cluster (deploy/nginx/wegoassembly.conf): its page lives on one node
/// (nginx keeps it there by its cookie); when that node is killed, the page comes back by itself on the other node,
/// still signed in.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class NodeFailoverTests(WebApp web, ITestOutputHelper output)
{
    [Fact]
    public async Task When_its_node_dies_a_signed_in_page_reloads_on_the_other_node_and_works()
    {
        await using var postgres = new PostgresCluster();
        await postgres.InitializeAsync();
        await using var database = await TestDatabase.PostgresAsync(postgres);
        await using var nodes = await ClusterNodes.StartAsync(database, 2);
        await using var nginx = await NginxFront.StartAsync([.. nodes.Nodes.Select(NginxFront.NodePorts.Of)]);

        await using var context = await web.Browser.NewContextAsync(new()
        {
            BaseURL = nginx.HttpsAddress.ToString(), IgnoreHTTPSErrors = true, Locale = "en-GB",
            ViewportSize = new() { Width = Screen.Desktop.Width, Height = Screen.Desktop.Height },
        });
        context.SetDefaultTimeout(30_000);
        var folder = Path.Combine(WebApp.ScreenshotRoot, $"{nameof(NodeFailoverTests)}.desktop");
        Directory.CreateDirectory(folder);
        var journey = new Journey(await context.NewPageAsync(), folder, output);
        var page = journey.Page;

        await journey.GotoAsync("/signin");
        await page.GetByLabel("User name").FillAsync(ServerProcess.AdminUserName);
        await page.GetByLabel("Password").FillAsync(ServerProcess.AdminPassword);
        await page.Locator("#staff-heading + form button[type=submit]").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Secretariat desk");
        await journey.LiveAsync();
        await journey.StepAsync("desk-on-its-node");

        // The node nginx keeps this browser on: where its live connection was negotiated (the WebSocket itself is
        // logged when it ends).
        var circuitNode = LastNegotiation(nginx);
        var victim = nodes.Nodes.Single(n => circuitNode == $"127.0.0.1:{n.WebAddress.Port}");
        var survivor = nodes.Nodes.Single(n => n != victim);
        victim.Kill();

        // The page notices, finds its circuit gone, and reloads: on the other node, still signed in, live again.
        await Expect(page.Locator("#components-reconnect-modal")).ToBeVisibleAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Secretariat desk", new() { Timeout = 60_000 });
        await Expect(page.Locator("#components-reconnect-modal")).ToBeHiddenAsync(new() { Timeout = 60_000 });
        await journey.LiveAsync();
        Assert.Equal($"127.0.0.1:{survivor.WebAddress.Port}", LastNegotiation(nginx));
        await Expect(page).ToHaveURLAsync(new Regex("/secretariat$"));
        await journey.StepAsync("desk-on-the-other-node");

        // It works there: the member register opens with the session the first node signed.
        await page.GetByRole(AriaRole.Link, new() { Name = "Member register" }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/secretariat/members"));
        await Expect(page.Locator("h1")).ToContainTextAsync("Member");
        await journey.StepAsync("register-on-the-other-node");
        // The dropped connection is all the console may report.
        Assert.All(journey.ConsoleErrors, e => Assert.Matches("WebSocket|[Cc]onnection|Failed to (fetch|load resource)|ERR_|502|applying batch|unhandled exception on the current circuit", e));
    }

    // The upstream of the last Blazor negotiation nginx logged; on a retry to the next node nginx logs both, comma-separated.
    private static string LastNegotiation(NginxFront nginx) =>
        nginx.AccessLog.Split('\n').Last(l => l.StartsWith("/_blazor/negotiate", StringComparison.Ordinal)).Split(' ')[^1].Split(',')[^1].Trim();
}
