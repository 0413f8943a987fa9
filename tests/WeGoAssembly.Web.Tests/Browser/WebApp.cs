using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Testing;
using Xunit.Abstractions;

namespace WeGoAssembly.Web.Tests.Browser;

/// <summary>
/// The real host (<see cref="WeGoServer"/>, SQLite file, real sockets) and one headless Debian chromium driven by
/// Playwright, shared by every browser test; each journey gets its own browser context (fresh cookies and storage).
/// </summary>
public sealed class WebApp : IAsyncLifetime
{
    /// <summary>Debian's chromium package; Playwright's own browser builds are never downloaded.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    // The flags that keep chromium off the network (no component, sync or QUIC traffic) and working in a
    // container without a GPU or a user namespace for the sandbox.
    private static readonly string[] OfflineHeadlessFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly TempSqliteFile database = new();
    private IPlaywright? playwright;

    public WeGoServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where each journey's screenshots go: TestResults/screenshots under this project's output folder.</summary>
    public static string ScreenshotRoot { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"The browser tests drive Debian's chromium at {ChromiumPath}, which is not installed. " +
                "Install it with `apt-get install chromium` (tests/run.sh does this when it is missing).");
        Server = await WeGoServer.StartAsync(new Dictionary<string, string?> { ["Storage:SqlitePath"] = database.Path });
        playwright = await Playwright.CreateAsync();
        // Generous: two cores are shared by several builds, and a cold chromium start can take many seconds.
        Assertions.SetDefaultExpectTimeout(30_000);
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath, Headless = true, Args = OfflineHeadlessFlags, Timeout = 120_000,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        playwright?.Dispose();
        if (Server is not null)
            await Server.DisposeAsync();
        database.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="steps"/> in a new browser context on <paramref name="screen"/>, against the shared server or
    /// <paramref name="server"/>; <paramref name="step"/> names one of several journeys of a test. Screenshots of each step
    /// (<see cref="Journey.StepAsync"/>) and of the page at a failure are written under <see cref="ScreenshotRoot"/>
    /// and their paths printed; afterwards the browser console must hold no error.
    /// </summary>
    public async Task JourneyAsync(ITestOutputHelper output, Screen screen, Func<Journey, Task> steps,
        [CallerMemberName] string test = "", [CallerFilePath] string testFile = "", WeGoServer? server = null, string? step = null)
    {
        var folder = Path.Combine(ScreenshotRoot, $"{Path.GetFileNameWithoutExtension(testFile)}.{test}.{screen.Name}{(step is null ? "" : "." + step)}");
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);

        await using var context = await Browser.NewContextAsync(new()
        {
            BaseURL = (server ?? Server).WebAddress.ToString(),
            ViewportSize = new() { Width = screen.Width, Height = screen.Height },
            IsMobile = screen.IsPhone,
            HasTouch = screen.IsPhone,
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(30_000);
        var journey = new Journey(await context.NewPageAsync(), folder, output);
        try
        {
            await steps(journey);
        }
        catch
        {
            await journey.StepAsync("failed");
            throw;
        }
        Assert.True(journey.ConsoleErrors.Count == 0, "The browser console reported errors:\n" + string.Join("\n", journey.ConsoleErrors));
    }
}

/// <summary>The test collection that shares one <see cref="WebApp"/>: browser journeys run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebApp>
{
    public const string Name = "web";
}
