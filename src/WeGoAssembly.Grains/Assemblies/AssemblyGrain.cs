using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Runtime;

namespace WeGoAssembly.Grains.Assemblies;

/// <summary>The persisted definition of one assembly.</summary>
public sealed class AssemblyState
{
    public Assembly? Assembly { get; set; }
}

/// <summary>One General Assembly: its identity, year, time zone and rules.</summary>
[GrainType(TypeName)]
public sealed class AssemblyGrain(
    [PersistentState(AssemblyGrain.StateName)] IPersistentState<AssemblyState> state,
    TimeProvider clock) : Grain, IAssemblyGrain
{
    public const string TypeName = "assembly", StateName = "assembly";

    public Task<Assembly?> GetAsync() => Task.FromResult(state.State.Assembly);

    public async Task<Assembly> CreateAsync(Assembly assembly, string actor)
    {
        var (cleaned, errors) = AssemblyRulesCheck.Validate(assembly);
        DomainErrors.ThrowIfAny(errors);
        if (cleaned.Id != this.GetPrimaryKeyString())
            throw DomainException.Invalid("id", $"The assembly's id \"{cleaned.Id}\" does not match the key \"{this.GetPrimaryKeyString()}\".");
        if (state.State.Assembly is not null)
            throw new DomainException(DomainErrorKind.AlreadyExists, $"An assembly with id \"{cleaned.Id}\" exists already; choose another id or update its rules.");

        return await WriteAsync(cleaned with { CreatedAt = clock.GetUtcNow() });
    }

    public async Task<Assembly> UpdateRulesAsync(int year, string timeZone, AssemblyRules rules, string actor)
    {
        var current = state.State.Assembly
            ?? throw DomainException.NotFound($"No assembly \"{this.GetPrimaryKeyString()}\" exists.");
        var errors = new List<FieldError>();
        timeZone = (timeZone ?? "").Trim();
        AssemblyRulesCheck.CheckYearAndZone(year, timeZone, errors);
        AssemblyRulesCheck.CheckRules(rules, errors);
        DomainErrors.ThrowIfAny(errors);

        return await WriteAsync(current with { Year = year, TimeZone = timeZone, Rules = rules });
    }

    private async Task<Assembly> WriteAsync(Assembly next)
    {
        await state.WriteStateAsync(new AssemblyState { Assembly = next });
        return next;
    }
}
