using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Assemblies;
using WeGoAssembly.Grains.Membership;
using WeGoAssembly.Runtime;

namespace WeGoAssembly.Grains;

/// <summary>Registers every grain of the domain and the read models beside them.</summary>
public static class GrainsServiceCollectionExtensions
{
    public static IServiceCollection AddAssemblyGrains(this IServiceCollection services)
    {
        services.AddGrain<IMemberCityGrain, MemberCityGrain>();
        services.AddGrain<IAssemblyGrain, AssemblyGrain>();
        services.AddSingleton<MemberRegister>();
        services.AddSingleton<MemberCityImport>();
        return services;
    }
}
