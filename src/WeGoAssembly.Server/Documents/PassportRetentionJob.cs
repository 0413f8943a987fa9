using WeGoAssembly.Grains.Rules;
using System.ComponentModel;
using Hangfire;
using WeGoAssembly.Contracts.Documents;
using WeGoAssembly.Grains.Accreditation;
using WeGoAssembly.Grains.Assemblies;

namespace WeGoAssembly.Server.Documents;

/// <summary>
/// Every night (a Hangfire recurring job): deletes the passport data of every participant of each assembly whose last
/// day is more than Documents:PassportRetentionDays ago. Idempotent, and it goes over those assemblies each night, so a
/// passport entered late is deleted too; a person without passport data costs one grain call. Each deletion is audited
/// ("passport.erased"), and the printed letter is deleted with it; a letter already issued stays verifiable by its code,
/// with the number gone.
/// </summary>
public sealed class PassportRetentionJob(AssemblyDirectory assemblies, DelegationRegister delegations, IGrainFactory grains, DocumentOptions options, TimeProvider clock)
{
    public const string Id = "passport-retention", Actor = "system:retention";

    [DisplayName("Passport data past its retention")]
    [DisableConcurrentExecution("wego:passport-retention", 600)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var erased = 0;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await foreach (var assembly in assemblies.ListAsync(after: null, cancellationToken))
        {
            if (AssemblyCalendar.LastDay(assembly).AddDays(options.PassportRetentionDays) >= today)
                continue;
            await foreach (var (_, delegation) in delegations.StreamAsync(assembly.Id, afterMemberCityId: null, cancellationToken))
                foreach (var person in delegation.Participants)
                    if (await grains.GetGrain<IPersonalFileGrain>(person.Participant.Id).ErasePassportAsync(Actor))
                    {
                        // The printed letter holds the number and birth date too.
                        await grains.GetGrain<IDocumentGrain>(DocumentJob.Key(person.Participant.Id, DocumentKind.VisaLetter)).ClearAsync();
                        erased++;
                    }
        }
        return erased;
    }
}
