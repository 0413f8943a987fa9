using WeGoAssembly.Grains.Rules;
using System.Runtime.CompilerServices;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Grains.Membership;
using WeGoAssembly.Grains.Storage;

namespace WeGoAssembly.Grains.Accreditation;

/// <summary>A page of an assembly's delegations and the member city id to continue after, null on the last page.</summary>
public sealed record DelegationPage(IReadOnlyList<Delegation> Delegations, string? ContinueAfter);

/// <summary>
/// Reads an assembly's delegations straight from stored grain state, in member city id order (delegation
/// keys are "{assemblyId}/{memberCityId}", so one assembly's delegations are one contiguous key range).
/// Every acknowledged change is stored before it is acknowledged, so this is never behind the grains;
/// proxies come from the assembly grain, which owns them.
/// </summary>
public sealed class DelegationRegister(Projections projections, IGrainFactory grains, MemberRegister members)
{
    public async Task<DelegationPage> ListAsync(string assemblyId, AccreditationStatus? status, string? afterMemberCityId, int pageSize, CancellationToken ct)
    {
        var proxies = await grains.GetGrain<IAssemblyGrain>(assemblyId).GetProxiesAsync(includeRevoked: false);
        var page = new List<Delegation>(pageSize);
        await foreach (var (cityId, state) in StreamAsync(assemblyId, afterMemberCityId, ct))
        {
            if (status is { } wanted && !state.Participants.Any(p => p.Participant.Status == wanted))
                continue;
            if (page.Count == pageSize)
                return new(page, page[^1].MemberCityId);
            page.Add(new Delegation(assemblyId, cityId, state.Participants.Select(p => p.Participant).ToArray(), state.Letter,
                proxies.FirstOrDefault(p => p.GrantorMemberCityId == cityId),
                proxies.Where(p => p.HolderMemberCityId == cityId).ToArray()));
        }
        return new(page, null);
    }

    /// <summary>Every participant of the assembly as CSV, in member city and registration order.</summary>
    public async Task<byte[]> ExportDelegationsAsync(string assemblyId, CancellationToken ct)
    {
        await RequireAssemblyAsync(assemblyId);
        var names = await MemberNamesAsync(ct);
        var rows = new List<(Participant, string)>();
        await foreach (var (cityId, state) in StreamAsync(assemblyId, null, ct))
            rows.AddRange(state.Participants.Select(p => (p.Participant, names.GetValueOrDefault(cityId, ""))));
        return AccreditationCsv.Delegations(rows);
    }

    /// <summary>Attendance as CSV: who is in the hall now, or every check-in and check-out, oldest first.</summary>
    public async Task<byte[]> ExportAttendanceAsync(string assemblyId, bool history, CancellationToken ct)
    {
        var assembly = await RequireAssemblyAsync(assemblyId);
        var zone = AssemblyCalendar.Zone(assembly.TimeZone);
        var names = await MemberNamesAsync(ct);
        var present = new List<(Participant, string)>();
        var events = new List<(PresenceEvent, Participant, string)>();
        await foreach (var (cityId, state) in StreamAsync(assemblyId, null, ct))
        {
            var name = names.GetValueOrDefault(cityId, "");
            var byId = state.Participants.ToDictionary(p => p.Participant.Id, p => p.Participant);
            present.AddRange(state.Participants.Where(p => p.Participant.Presence == PresenceStatus.CheckedIn).Select(p => (p.Participant, name)));
            if (history)
                events.AddRange(state.PresenceHistory.Select(e => (e, byId[e.ParticipantId], name)));
        }
        return history
            ? AccreditationCsv.AttendanceHistory(events.OrderBy(e => e.Item1.At), zone)
            : AccreditationCsv.PresentNow(present, zone);
    }

    /// <summary>The stored delegations of one assembly after a member city id, in id order.</summary>
    public async IAsyncEnumerable<(string MemberCityId, DelegationState State)> StreamAsync(
        string assemblyId, string? afterMemberCityId, [EnumeratorCancellation] CancellationToken ct)
    {
        var prefix = assemblyId + "/";
        await foreach (var (key, state) in projections.ScanAsync<DelegationState>(DelegationGrain.TypeName, prefix + (afterMemberCityId ?? ""), prefix, ct))
            yield return (key[prefix.Length..], state);
    }

    private async Task<Assembly> RequireAssemblyAsync(string assemblyId) =>
        await grains.GetGrain<IAssemblyGrain>(assemblyId).GetAsync()
        ?? throw DomainException.NotFound($"No assembly \"{assemblyId}\" exists; check the id with GetAssembly.");

    private async Task<Dictionary<string, string>> MemberNamesAsync(CancellationToken ct)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var member in members.StreamAsync(MemberFilter.Any, after: null, ct))
            names[member.Id] = member.NameEn;
        return names;
    }
}
