using Microsoft.Extensions.Logging;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Voting;
using WeGoAssembly.Grains.Accreditation;
using WeGoAssembly.Grains.Membership;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Contracts.Records;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Assemblies;

/// <summary>
/// The persisted definition of one assembly and its proxies: nothing in it grows with the number of delegates. Presence
/// is the delegations' (each stores its own people's); the assembly keeps the voting members' presence in memory.
/// </summary>
public sealed record AssemblyState
{
    public Assembly? Assembly { get; set; }

    /// <summary>Every proxy recorded, in force or revoked, in recording order.</summary>
    public List<Proxy> Proxies { get; set; } = [];

    /// <summary>Badge numbers reserved so far: every number up to it may have been handed out, none after it.</summary>
    public int BadgesIssued { get; set; }
}

/// <summary>One General Assembly: its identity, year, time zone and rules; the presence of its voting members, its proxies and quorum.</summary>
[GrainType(TypeName)]
public sealed partial class AssemblyGrain(
    [PersistentState(AssemblyGrain.StateName)] IPersistentState<Audited<AssemblyState>> stored,
    TimeProvider clock,
    MemberRegister register,
    DelegationRegister delegations,
    Voting.VotingHub hub,
    ILogger<AssemblyGrain> logger,
    ChangeRecording recording) : AuditedGrain<AssemblyState>(stored, recording, project: AssemblyGrain.TypeName), IAssemblyGrain
{
    public const string TypeName = "assembly", StateName = "assembly";

    // The nodes whose live streams watch this assembly's quorum.
    private Voting.ChangeFeed? feed;

    private Voting.ChangeFeed Feed => feed ??= new(Voting.VotingHub.QuorumTopic(this.GetPrimaryKeyString()), logger);

    public Task<Assembly?> GetAsync() => Task.FromResult(state.State.Assembly);

    public async Task<Assembly> CreateAsync(Assembly assembly, string actor)
    {
        var (cleaned, errors) = AssemblyRulesCheck.Validate(assembly);
        DomainErrors.ThrowIfAny(errors);
        if (cleaned.Id != this.GetPrimaryKeyString())
            throw DomainException.Invalid("id", $"The assembly's id \"{cleaned.Id}\" does not match the key \"{this.GetPrimaryKeyString()}\".");
        if (state.State.Assembly is not null)
            throw new DomainException(DomainErrorKind.AlreadyExists, $"An assembly with id \"{cleaned.Id}\" exists already; choose another id or update its rules.");

        var created = cleaned with { CreatedAt = clock.GetUtcNow() };
        return await WriteAsync(created, new AuditRecord(actor, "assembly.created", AssemblySubject, AuditDetails.Of(new
        {
            created.Title, created.Venue, created.Year, created.TimeZone, created.StartsOn, created.EndsOn, created.Rules, created.Sample,
        })));
    }

    public async Task<Assembly> UpdateAsync(AssemblyUpdate update, string actor)
    {
        var current = state.State.Assembly
            ?? throw DomainException.NotFound($"No assembly \"{this.GetPrimaryKeyString()}\" exists.");
        var details = update.Details ?? new(current.Title, current.Venue, current.StartsOn, current.EndsOn);
        var (next, errors) = AssemblyRulesCheck.Validate(current with
        {
            Year = update.Year, TimeZone = update.TimeZone, Rules = update.Rules,
            Title = details.Title, Venue = details.Venue, StartsOn = details.StartsOn, EndsOn = details.EndsOn,
        });
        DomainErrors.ThrowIfAny(errors);

        return await WriteAsync(next,
            new AuditRecord(actor, "assembly.rules-updated", AssemblySubject, AuditDetails.Of(new
            {
                Year = AuditDetails.Diff(current.Year, next.Year),
                TimeZone = AuditDetails.Diff(current.TimeZone, next.TimeZone),
                Rules = AuditDetails.Diff(current.Rules, next.Rules),
                Title = AuditDetails.Diff(current.Title, next.Title),
                Venue = AuditDetails.Diff(current.Venue, next.Venue),
                StartsOn = AuditDetails.Diff(current.StartsOn, next.StartsOn),
                EndsOn = AuditDetails.Diff(current.EndsOn, next.EndsOn),
            })));
    }

    /// <summary>The audit log's name for this assembly.</summary>
    private string AssemblySubject => $"assembly/{this.GetPrimaryKeyString()}";

    private async Task<Assembly> WriteAsync(Assembly next, AuditRecord audit)
    {
        await state.WriteStateAsync(state.State with { Assembly = next }, audit);
        eligible = null;   // the year decides whose dues count
        QuorumChanged();
        return next;
    }

    /// <summary>Tells quorum watchers and open ballots (live streams, cached vote rights) that presence, proxies or rules changed.</summary>
    private void QuorumChanged()
    {
        roll = null;
        // This node's hub at once (a revoked proxy must not vote on a ballot here a moment later), the other nodes by message.
        hub.Notify(Voting.VotingHub.QuorumTopic(this.GetPrimaryKeyString()));
        Feed.Changed();
    }

    public Task WatchAsync(IChangeListener listener) => Feed.WatchAsync(listener);

    public Task UnwatchAsync(IChangeListener listener) => Feed.UnwatchAsync(listener);
}
