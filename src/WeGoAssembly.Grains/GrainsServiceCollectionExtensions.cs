using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Logistics;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Accreditation;
using WeGoAssembly.Grains.Assemblies;
using WeGoAssembly.Grains.Auth;
using WeGoAssembly.Grains.Logistics;
using WeGoAssembly.Grains.Membership;
using WeGoAssembly.Grains.Voting;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains;

/// <summary>Registers what the grains are given besides their state, and the read models beside them (Orleans finds the grain classes itself).</summary>
public static class GrainsServiceCollectionExtensions
{
    public static IServiceCollection AddAssemblyGrains(this IServiceCollection services)
    {
        services.AddSingleton<ChangeRecording>();
        services.AddSingleton<Projections>();
        services.AddSingleton<MemberRegister>();
        services.AddSingleton<AssemblyDirectory>();
        services.AddSingleton<MemberCityImport>();
        services.AddSingleton<DelegationRegister>();
        services.AddSingleton<StaffDirectory>();
        services.TryAddSingleton<IPasswordHasher<StaffAccount>, PasswordHasher<StaffAccount>>();
        services.AddSingleton<SiteVisitManifests>();
        services.AddSingleton<ArrivalsBoard>();
        services.AddSingleton<VotingHub>();
        services.AddSingleton<AccessChanges>();
        return services;
    }
}
