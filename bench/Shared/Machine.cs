using System.Runtime.InteropServices;

namespace WeGoAssembly.Bench;

/// <summary>The machine a benchmark ran on, for its printed header.</summary>
static class Machine
{
    /// <summary>For example "2 cores (AMD EPYC), Debian GNU/Linux 12 (bookworm), .NET 10.0.12".</summary>
    public static string Describe() =>
        $"{Environment.ProcessorCount} cores ({CpuModel()}), {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
