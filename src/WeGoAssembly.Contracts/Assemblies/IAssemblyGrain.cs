using WeGoAssembly.Runtime;

namespace WeGoAssembly.Contracts.Assemblies;

/// <summary>One General Assembly, keyed by its id (for example "ga-2023").</summary>
public interface IAssemblyGrain : IGrainWithStringKey
{
    /// <summary>The assembly, or null when none was created under this key.</summary>
    Task<Assembly?> GetAsync();

    /// <summary>Creates the assembly; refused when it exists already.</summary>
    Task<Assembly> CreateAsync(Assembly assembly, string actor);

    /// <summary>Replaces the year, time zone and rules.</summary>
    Task<Assembly> UpdateRulesAsync(int year, string timeZone, AssemblyRules rules, string actor);
}
