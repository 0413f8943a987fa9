using Google.Protobuf;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Documents;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Accreditation;
using WeGoAssembly.Grains.Auth;
using WeGoAssembly.Grains.Rules;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using Orleans;
using WeGoAssembly.Server.Auth;
using WeGoAssembly.Server.Notifications;
using AccreditationDecision = WeGoAssembly.Contracts.Accreditation.AccreditationDecision;
using FocalPoint = WeGoAssembly.Contracts.Accreditation.FocalPoint;
using Participant = WeGoAssembly.Contracts.Accreditation.Participant;
using ParticipantRole = WeGoAssembly.Contracts.Accreditation.ParticipantRole;
using AccreditationStatus = WeGoAssembly.Contracts.Accreditation.AccreditationStatus;
using PresenceStatus = WeGoAssembly.Contracts.Accreditation.PresenceStatus;

namespace WeGoAssembly.Server.Application;

/// <summary>
/// gRPC edge of accreditation: delegations, credentials letters, review, badges, the door, proxies and
/// exports. A participant registers people into, and submits the letter of, their own delegation; the
/// secretariat reviews, badges, records proxies and exports; staff (secretariat and logistics) scan badges.
/// </summary>
public sealed class AccreditationUseCases(IGrainFactory grains, DelegationRegister delegations, Notifier notifier, SecretBox secrets, MailOptions mail, TimeProvider clock)
{
    private const int MaxBadgeCodeLength = 200;

    public async Task<RegisterParticipantResponse> RegisterParticipant(RegisterParticipantRequest request, CallContext context)
    {
        var caller = context.RequireDelegation(request.AssemblyId, request.MemberCityId);
        var delegation = Delegation(request.AssemblyId, request.MemberCityId);
        if (caller.Roles.Contains(Role.FocalPoint) && await grains.GetGrain<IAssemblyGrain>(request.AssemblyId.Trim()).GetAsync() is { } assembly
            && clock.GetUtcNow() >= AssemblyCalendar.RegistrationCloses(assembly))
            throw new DomainException(DomainErrorKind.StateConflict,
                $"Registration for {assembly.Title} closed at {AssemblyCalendar.RegistrationCloses(assembly):yyyy-MM-dd HH:mm zzz}; ask the secretariat to register this person.");
        var (participant, code) = await RegisterAsync(delegation, request.ToDomain(), caller.Actor, context.CancellationToken);
        return new() { Participant = participant.ToProto(), AccessCode = code };
    }

    /// <summary>Registers one person, issues their access code and e-mails it; returns the code (shown once, never stored).</summary>
    private async Task<(Participant Participant, string AccessCode)> RegisterAsync(IDelegationGrain delegation, NewParticipant person, string actor, CancellationToken ct)
    {
        var participant = await delegation.RegisterAsync(person, actor);
        var (code, key) = AccessCodes.New();
        await grains.GetGrain<IAccessCodeGrain>(key).IssueAsync(
            new ParticipantRef(participant.Id, participant.AssemblyId, participant.MemberCityId, participant.DisplayName), actor);
        await notifier.NotifyAsync(participant, new AccessCodeNotice(), code, ct);
        return (participant, code);
    }

    public async Task<ImportParticipantsResponse> ImportParticipants(ImportParticipantsRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        var assembly = await grains.GetGrain<IAssemblyGrain>(assemblyId).GetAsync()
            ?? throw DomainException.NotFound($"No assembly \"{assemblyId}\" exists; check the id with GetAssembly.");
        var parsed = ParticipantCsv.Parse(request.Csv.Memory);

        // The checks that need what is stored, row after row as if the earlier rows were registered already.
        var errors = parsed.Errors.ToList();
        var good = new List<(ParticipantRow Row, string? RegisteredAs)>();
        foreach (var city in parsed.Rows.GroupBy(r => r.MemberCityId))
        {
            var member = await grains.GetGrain<IMemberCityGrain>(city.Key).GetAsync();
            if (member is null || member.Status == Contracts.Membership.MemberStatus.Withdrawn)
            {
                errors.AddRange(city.Select(r => new Grains.Membership.ImportRowError(r.Line, city.Key, member is null
                    ? $"member_city_id \"{city.Key}\" is not in the member register; check the id or add the city first."
                    : $"{member.NameEn} has withdrawn from WeGO and cannot send a delegation.")));
                continue;
            }
            var people = (await Delegation(assemblyId, city.Key).GetAsync()).Participants.ToList();
            foreach (var row in city)
            {
                var p = row.Person;
                if (people.FirstOrDefault(q => q.GivenName == p.GivenName && q.FamilyName == p.FamilyName
                        && string.Equals(q.Email, p.Email, StringComparison.OrdinalIgnoreCase)) is { } same)
                {
                    // Registered before (an import sent twice): skipped. On an earlier line of this file: refused.
                    if (same.Id.Length > 0)
                        good.Add((row, same.Id));
                    else
                        errors.Add(new(row.Line, city.Key, $"{p.GivenName} {p.FamilyName} ({p.Email}) appears already on an earlier line."));
                    continue;
                }
                if (DelegationRules.CheckPlace(people, p.Role, p.HeadOfDelegation) is { } refused)
                {
                    errors.Add(new(row.Line, city.Key, refused.Message));
                    continue;
                }
                people.Add(new Participant("", assemblyId, city.Key, p.GivenName, p.FamilyName, p.Title, p.Organisation, p.Email, p.Role, p.HeadOfDelegation,
                    AccreditationStatus.Submitted, "", "", PresenceStatus.NotArrived, null, default, p.Language));
                good.Add((row, null));
            }
        }

        var response = new ImportParticipantsResponse { RowsRead = parsed.RowsRead };
        response.Errors.AddRange(errors.OrderBy(e => e.Line).Select(e => new Protos.V1.ImportRowError { Line = e.Line, MemberCityId = e.MemberCityId, Reason = e.Reason }));
        var store = !request.DryRun && errors.Count == 0;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        foreach (var (row, registeredAs) in good.OrderBy(g => g.Row.Line))
        {
            var id = registeredAs ?? "";
            if (store && registeredAs is null)
            {
                try
                {
                    id = (await RegisterAsync(Delegation(assemblyId, row.MemberCityId), row.Person, caller.Actor, context.CancellationToken)).Participant.Id;
                }
                catch (DomainException e)
                {
                    // Changed since the check (someone registered meanwhile): the rows before stand, and a file sent again
                    // skips them, so stop here and say so.
                    response.Errors.Add(new Protos.V1.ImportRowError
                    {
                        Line = row.Line, MemberCityId = row.MemberCityId,
                        Reason = $"Not registered: {e.Message} The {response.RowsImported} rows before it were registered; correct this one and send the file again (registered people are skipped).",
                    });
                    break;
                }
                if (row.Details != Contracts.Documents.PersonalDetails.None)
                    await grains.GetGrain<IPersonalFileGrain>(id).UpdateDetailsAsync(row.Details, today, today, caller.Actor);
                response.RowsImported++;
            }
            response.Rows.Add(new ImportedParticipant
            {
                Line = row.Line, MemberCityId = row.MemberCityId, GivenName = row.Person.GivenName, FamilyName = row.Person.FamilyName,
                Role = (Protos.V1.ParticipantRole)row.Person.Role, Email = row.Person.Email, HeadOfDelegation = row.Person.HeadOfDelegation,
                ParticipantId = store || registeredAs is not null ? id : "", Skipped = registeredAs is not null,
            });
        }
        return response;
    }

    public async Task<SubmitCredentialsResponse> SubmitCredentials(SubmitCredentialsRequest request, CallContext context)
    {
        var caller = context.RequireDelegation(request.AssemblyId, request.MemberCityId);
        var delegation = Delegation(request.AssemblyId, request.MemberCityId);
        if (request.Content.Length > CredentialsLetterRules.MaxBytes)
            CredentialsLetterRules.Check(request.Content.Span, request.FileName);   // throws: too large, before a copy is made
        var letter = await delegation.SubmitCredentialsAsync(request.Content.ToByteArray(), request.FileName, caller.Actor);
        return new() { CredentialsLetter = letter.ToProto() };
    }

    public async Task<ReviewAccreditationResponse> ReviewAccreditation(ReviewAccreditationRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var participant = await DelegationOf(request.ParticipantId)
            .ReviewAsync(request.ParticipantId.Trim(), (AccreditationDecision)request.Decision, request.Reason, caller.Actor);
        await notifier.NotifyAsync(participant, new AccreditationNotice(participant.Status, participant.RejectionReason, clock.GetUtcNow()), ct: context.CancellationToken);
        return new() { Participant = participant.ToProto() };
    }

    public async Task<IssueBadgeResponse> IssueBadge(IssueBadgeRequest request, CallContext context)
    {
        // Only the secret's hash is stored, so a participant who wants their QR code on a phone or a home printer
        // issues the badge anew; the grain still demands an approval, and the earlier QR code stops scanning.
        var caller = context.RequireSelfOr(request.ParticipantId, Role.Secretariat);
        // The secret is sealed with the servers' key and kept with the badge in the same write, so the printable badge
        // (DocumentService) can carry the QR code; the badge index keeps only its hash.
        var (secret, _) = BadgeSecrets.New();
        var badge = await DelegationOf(request.ParticipantId).IssueBadgeAsync(request.ParticipantId.Trim(), caller.Actor, new NewBadgeCode(secret, secrets.Seal(secret)));
        if (!badge.ReplacedEarlierBadge)
            await notifier.NotifyAsync(badge.Participant, new BadgeReadyNotice(badge.BadgeNumber), ct: context.CancellationToken);
        return new()
        {
            Participant = badge.Participant.ToProto(),
            BadgeNumber = badge.BadgeNumber,
            QrSecret = badge.QrSecret,
            ReplacedEarlierBadge = badge.ReplacedEarlierBadge,
        };
    }

    public async Task<CheckInResponse> CheckIn(CheckInRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat, Role.Logistics);
        var (holder, key) = await BadgeAsync(request.BadgeCode, request.AssemblyId);
        var change = await Delegation(holder.AssemblyId, holder.MemberCityId).CheckInAsync(holder.ParticipantId, key, caller.Actor);
        return new() { Participant = change.Participant.ToProto(), Changed = change.Changed };
    }

    public async Task<CheckOutResponse> CheckOut(CheckOutRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat, Role.Logistics);
        var (holder, key) = await BadgeAsync(request.BadgeCode, request.AssemblyId);
        var change = await Delegation(holder.AssemblyId, holder.MemberCityId).CheckOutAsync(holder.ParticipantId, key, caller.Actor);
        return new() { Participant = change.Participant.ToProto(), Changed = change.Changed };
    }

    public async Task<RecordProxyResponse> RecordProxy(RecordProxyRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        var grantor = RequestChecks.Id("grantor_member_city_id", request.GrantorMemberCityId);
        var holder = RequestChecks.Id("holder_member_city_id", request.HolderMemberCityId);
        var proxy = await grains.GetGrain<IAssemblyGrain>(assemblyId).RecordProxyAsync(grantor, holder, request.Reference, caller.Actor);
        return new() { Proxy = proxy.ToProto() };
    }

    public async Task<RevokeProxyResponse> RevokeProxy(RevokeProxyRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var assemblyId = ProxyIds.AssemblyOf(request.ProxyId) is { } id ? RequestChecks.Id("proxy_id", id)
            : throw DomainException.Invalid("proxy_id", $"proxy_id \"{TextRules.Shorten(request.ProxyId)}\" is not a proxy id such as \"ga-2023.proxy-1\".");
        var proxy = await grains.GetGrain<IAssemblyGrain>(assemblyId).RevokeProxyAsync(request.ProxyId.Trim(), request.Reason, caller.Actor);
        return new() { Proxy = proxy.ToProto() };
    }

    public async Task<ListProxiesResponse> ListProxies(ListProxiesRequest request, CallContext context)
    {
        context.Require(Role.Secretariat);
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        var response = new ListProxiesResponse();
        response.Proxies.AddRange((await grains.GetGrain<IAssemblyGrain>(assemblyId).GetProxiesAsync(request.IncludeRevoked)).Select(p => p.ToProto()));
        return response;
    }

    public async Task<InviteFocalPointResponse> InviteFocalPoint(InviteFocalPointRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var asked = request.FocalPoint ?? throw DomainException.Invalid("focal_point", "focal_point is required: the name and e-mail address to invite.");
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        var cityId = RequestChecks.Id("member_city_id", request.MemberCityId);
        var (cleaned, errors) = DelegationRules.Validate(new FocalPoint(asked.Name, asked.Email, asked.Language, default, ""));
        DomainErrors.ThrowIfAny(errors);
        // The code exists before the delegation names it, so the delegation never names a code that is not there and the
        // code it replaces is always one to revoke; when the delegation refuses (no such city), the new code is taken back.
        // It signs the focal point in as their city's, never as a participant (see ParticipantIds.FocalPoint).
        var delegation = Delegation(assemblyId, cityId);
        await delegation.GetAsync();   // NOT_FOUND for an unknown assembly or city, before a code exists
        var (code, key) = AccessCodes.New();
        var newCode = grains.GetGrain<IAccessCodeGrain>(key);
        await newCode.IssueAsync(new ParticipantRef(ParticipantIds.FocalPoint(assemblyId, cityId), assemblyId, cityId, cleaned.Name), caller.Actor);
        string? replaced;
        try
        {
            replaced = await delegation.InviteFocalPointAsync(cleaned, key, caller.Actor);
        }
        catch
        {
            await newCode.RevokeAsync(caller.Actor);
            throw;
        }
        if (replaced is not null)
            await grains.GetGrain<IAccessCodeGrain>(replaced).RevokeAsync(caller.Actor);
        var focalPoint = (await delegation.GetAsync()).FocalPoint!;
        await notifier.NotifyAsync(AsRecipient(focalPoint, assemblyId, cityId), new FocalPointInviteNotice(focalPoint.InvitedAt), code, context.CancellationToken);
        return new() { FocalPoint = focalPoint.ToProto(), AccessCode = code, SignInUrl = $"{mail.SiteUrl.TrimEnd('/')}/signin?code={Uri.EscapeDataString(code)}" };
    }

    public async Task<SubmitDelegationResponse> SubmitDelegation(SubmitDelegationRequest request, CallContext context)
    {
        var caller = context.RequireFocalPoint(request.AssemblyId, request.MemberCityId);
        var assembly = await grains.GetGrain<IAssemblyGrain>(RequestChecks.Id("assembly_id", request.AssemblyId)).GetAsync()
            ?? throw DomainException.NotFound($"No assembly \"{request.AssemblyId}\" exists; check the id with GetAssembly.");
        // Registration closes for focal points; the secretariat may still submit on a city's behalf.
        var closes = caller.Roles.Contains(Role.Secretariat) ? (DateTimeOffset?)null : AssemblyCalendar.RegistrationCloses(assembly);
        var delegation = await Delegation(request.AssemblyId, request.MemberCityId).SubmitForReviewAsync(closes, caller.Actor);
        return new() { Delegation = delegation.ToProto() };
    }

    /// <summary>The focal point as the notifier addresses a recipient (it writes to participants).</summary>
    private Participant AsRecipient(FocalPoint f, string assemblyId, string cityId) => new(
        ParticipantIds.FocalPoint(assemblyId, cityId), assemblyId, cityId, f.Name, "", "", "", f.Email, ParticipantRole.Observer, false,
        AccreditationStatus.Submitted, "", "", PresenceStatus.NotArrived, null, f.InvitedAt, f.Language);

    public async Task<GetDelegationResponse> GetDelegation(GetDelegationRequest request, CallContext context)
    {
        var caller = context.Authenticated();
        if (!caller.Roles.Contains(Role.Secretariat) && !caller.Roles.Contains(Role.Logistics))
            context.RequireDelegation(request.AssemblyId, request.MemberCityId);
        var delegation = await Delegation(request.AssemblyId, request.MemberCityId).GetAsync();
        return new() { Delegation = delegation.ToProto() };
    }

    public async Task<ListDelegationsResponse> ListDelegations(ListDelegationsRequest request, CallContext context)
    {
        context.Require(Role.Secretariat, Role.Logistics);
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        var pageSize = RequestChecks.PageSize(request.PageSize, defaultSize: 50, max: 200);
        var page = await delegations.ListAsync(assemblyId, request.AccreditationStatus.ToFilter(), RequestChecks.AfterKey(request.PageToken), pageSize, context.CancellationToken);
        var response = new ListDelegationsResponse { NextPageToken = page.ContinueAfter is { } last ? RequestChecks.PageToken(last) : "" };
        response.Delegations.AddRange(page.Delegations.Select(d => d.ToProto()));
        return response;
    }

    public async Task<ExportDelegationsResponse> ExportDelegations(ExportDelegationsRequest request, CallContext context)
    {
        context.Require(Role.Secretariat);
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        return new() { Csv = ByteString.CopyFrom(await delegations.ExportDelegationsAsync(assemblyId, context.CancellationToken)) };
    }

    public async Task<ExportAttendanceResponse> ExportAttendance(ExportAttendanceRequest request, CallContext context)
    {
        context.Require(Role.Secretariat);
        var assemblyId = RequestChecks.Id("assembly_id", request.AssemblyId);
        var history = request.View switch
        {
            AttendanceView.Unspecified or AttendanceView.PresentNow => false,
            AttendanceView.History => true,
            _ => throw DomainException.Invalid("view", $"view {(int)request.View} is not present-now or history."),
        };
        return new() { Csv = ByteString.CopyFrom(await delegations.ExportAttendanceAsync(assemblyId, history, context.CancellationToken)) };
    }

    private IDelegationGrain Delegation(string assemblyId, string memberCityId) =>
        grains.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(RequestChecks.Id("assembly_id", assemblyId), RequestChecks.Id("member_city_id", memberCityId)));

    private IDelegationGrain DelegationOf(string participantId)
    {
        var (assemblyId, memberCityId) = ParticipantIds.Parse("participant_id", participantId);
        return grains.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(assemblyId, memberCityId));
    }

    /// <summary>The holder of a scanned badge code and the key it is stored under; NOT_FOUND for a code never issued.</summary>
    /// <summary>The badge's holder; with <paramref name="door"/>, only a badge of that assembly (a door admits to one).</summary>
    private async Task<(BadgeHolder Holder, string Key)> BadgeAsync(string badgeCode, string door = "")
    {
        var code = badgeCode.Trim();
        if (code.Length == 0)
            throw DomainException.Invalid("badge_code", "badge_code is required: the text read from the badge's QR code.");
        if (code.Length > MaxBadgeCodeLength)
            throw DomainException.NotFound("This code is not a badge of this assembly system (far too long); scan the QR code on the badge.");
        var key = BadgeSecrets.KeyOf(code);
        var holder = await grains.GetGrain<IBadgeGrain>(key).GetAsync()
            ?? throw DomainException.NotFound("Unknown badge: this QR code was never issued here (or was misread); scan again, or send the person to the accreditation desk.");
        if (door.Length > 0 && holder.AssemblyId != RequestChecks.Id("assembly_id", door))
            throw new DomainException(DomainErrorKind.StateConflict,
                $"This badge is for another assembly (\"{holder.AssemblyId}\"), not \"{door}\"; nothing was changed. Send the person to the accreditation desk.");
        return (holder, key);
    }
}
