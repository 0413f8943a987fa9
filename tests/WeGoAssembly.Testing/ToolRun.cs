using System.Diagnostics;

namespace WeGoAssembly.Testing;

/// <summary>A command-line tool run to its end (nginx -t, bash deploy/postgres/setup.sh, ...): its exit code and what it printed.</summary>
public sealed record ToolRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs <paramref name="fileName"/> with standard input closed (no terminal) and waits for it, at most <paramref name="timeout"/> (two minutes).</summary>
    public static async Task<ToolRun> RunAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        return new ToolRun(process.ExitCode, await output, await error);
    }

    public override string ToString() => $"exit code {ExitCode}\n{Output}\n{Error}";
}
