using Microsoft.Playwright;
using Xunit.Abstractions;

namespace WeGoAssembly.Web.Tests.Browser;

/// <summary>One page of a journey: numbered screenshots of its steps, and every console error the page raised.</summary>
public sealed class Journey
{
    private readonly string folder;
    private readonly ITestOutputHelper output;
    private readonly List<string> consoleErrors = [];
    private readonly List<string> notFound = [];
    private int step;

    internal Journey(IPage page, string folder, ITestOutputHelper output)
    {
        Page = page;
        this.folder = folder;
        this.output = output;
        // Blazor reports a failed circuit, a failed render and a missing script as console errors; a page
        // that raises any has a fault a person would notice, even when the test's own assertions pass.
        page.Console += (_, message) =>
        {
            // Chromium asks for /favicon.ico by itself, after the page has loaded, when a page names no icon:
            // its 404 is no fault of the page and arrives at a random moment, so it is left out.
            if (message.Type == "error" && !message.Location.Contains("/favicon.ico", StringComparison.Ordinal)
                && !notFound.Any(path => message.Location.Contains(path, StringComparison.Ordinal)))
                Record($"console: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => Record($"uncaught: {error}");
    }

    public IPage Page { get; }

    /// <summary>The console errors and uncaught exceptions seen so far.</summary>
    public IReadOnlyList<string> ConsoleErrors
    {
        get { lock (consoleErrors) return [.. consoleErrors]; }
    }

    /// <summary>Declares that <paramref name="path"/> answers 404 on purpose: the browser's console report of it is no fault.</summary>
    public void ExpectNotFound(string path) => notFound.Add(path);

    /// <summary>Opens <paramref name="path"/> (relative to the web address) and waits until the network is idle.</summary>
    public Task<IResponse?> GotoAsync(string path) =>
        Page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });

    /// <summary>
    /// Waits until the page runs on its live connection (the layout marks &lt;main&gt;): only then does an interactive
    /// page take clicks and typing; until then its controls are disabled.
    /// </summary>
    public Task LiveAsync() => Assertions.Expect(Page.Locator("main[data-interactive=true]")).ToBeAttachedAsync();

    /// <summary>Saves a full-page screenshot named after the step and prints its path; returns the path.</summary>
    public async Task<string> StepAsync(string name)
    {
        var path = Path.Combine(folder, $"{++step:00}-{name}.png");
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
        return path;
    }

    private void Record(string error)
    {
        lock (consoleErrors)
            consoleErrors.Add(error);
    }
}
