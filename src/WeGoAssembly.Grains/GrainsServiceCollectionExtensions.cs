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
        services.AddGrain<IDelegationGrain, DelegationGrain>();
        services.AddGrain<IBadgeGrain, BadgeGrain>();
        services.AddGrain<ICredentialsLetterGrain, CredentialsLetterGrain>();
        services.AddSingleton<DelegationRegister>();
        services.AddGrain<IStaffAccountGrain, StaffAccountGrain>();
        services.AddGrain<IAccessCodeGrain, AccessCodeGrain>();
        services.AddGrain<ITokenSigningKeyGrain, TokenSigningKeyGrain>();
        services.AddSingleton<StaffDirectory>();
        services.TryAddSingleton<IPasswordHasher<StaffAccount>, PasswordHasher<StaffAccount>>();
        services.AddGrain<ISiteVisitGrain, SiteVisitGrain>();
        services.AddGrain<ISiteVisitPlanGrain, SiteVisitPlanGrain>();
        services.AddGrain<IItineraryGrain, ItineraryGrain>();
        services.AddSingleton<SiteVisitManifests>();
        services.AddSingleton<ArrivalsBoard>();
        services.AddGrain<IAgendaGrain, AgendaGrain>();
        services.AddGrain<IBallotGrain, BallotGrain>();
        services.AddSingleton<VotingHub>();
        services.AddSingleton<AccessChanges>();
        return services;
    }
}
