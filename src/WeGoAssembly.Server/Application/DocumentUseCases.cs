using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Hangfire;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Contracts.Documents;
using WeGoAssembly.Grains.Floor;
using WeGoAssembly.Grains.Rules;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Auth;
using WeGoAssembly.Server.Documents;
using WeGoAssembly.Server.Notifications;
using DocumentKind = WeGoAssembly.Contracts.Documents.DocumentKind;
using Participant = WeGoAssembly.Contracts.Accreditation.Participant;
using VisaLetterStatus = WeGoAssembly.Contracts.Documents.VisaLetterStatus;
using Assembly = WeGoAssembly.Contracts.Assemblies.Assembly;

namespace WeGoAssembly.Server.Application;

/// <summary>
/// The personal file and the official documents. Personal data (details, passport, photo) and documents are the
/// participant's own, their focal point's and the secretariat's; visa letters are decided and revoked by the secretariat, and verified by
/// anyone holding a letter's code. Every change queues the participant's documents to be made again in the background.
/// </summary>
public sealed class DocumentUseCases(IGrainFactory grains, DocumentSources sources, SecretBox secrets, IBackgroundJobClient jobs, TimeProvider clock)
{
    public async Task<GetPersonalDetailsResponse> GetPersonalDetails(GetPersonalDetailsRequest request, CallContext context)
    {
        context.RequirePersonalData(request.ParticipantId);
        var id = Id(request.ParticipantId);
        await ParticipantAsync(id);
        var file = await File(id).GetAsync();
        return new() { Details = file.Details.ToProto(), HasPhoto = file.HasPhoto, VisaLetter = file.VisaLetter?.ToProto() };
    }

    public async Task<UpdatePersonalDetailsResponse> UpdatePersonalDetails(UpdatePersonalDetailsRequest request, CallContext context)
    {
        var caller = context.RequirePersonalData(request.ParticipantId);
        var id = Id(request.ParticipantId);
        var details = request.Details.ToDomain();
        var (_, assembly) = await ParticipantAsync(id);
        var file = await File(id).UpdateDetailsAsync(details, AssemblyCalendar.DayAt(assembly, clock.GetUtcNow()), AssemblyCalendar.LastDay(assembly), caller.Actor);
        Refresh(id);
        return new() { Details = file.Details.ToProto() };
    }

    public async Task<UploadPhotoResponse> UploadPhoto(UploadPhotoRequest request, CallContext context)
    {
        var caller = context.RequirePersonalData(request.ParticipantId);
        var id = Id(request.ParticipantId);
        var (jpeg, width, height) = PhotoImages.Reencode(request.Content.Span);
        await ParticipantAsync(id);
        await File(id).SetPhotoAsync(new Photo(jpeg, width, height, clock.GetUtcNow()), caller.Actor);
        Refresh(id);
        return new() { Width = width, Height = height, SizeBytes = jpeg.Length };
    }

    public async Task<GetPhotoResponse> GetPhoto(GetPhotoRequest request, CallContext context)
    {
        context.RequirePersonalData(request.ParticipantId);
        var id = Id(request.ParticipantId);
        var (participant, _) = await ParticipantAsync(id);
        var photo = await File(id).GetPhotoAsync() ?? throw DomainException.NotFound($"No photo of {participant.DisplayName} is on file; upload one with UploadPhoto.");
        return new() { Jpeg = ByteString.CopyFrom(photo.Jpeg) };
    }

    public async Task<RequestVisaLetterResponse> RequestVisaLetter(RequestVisaLetterRequest request, CallContext context)
    {
        var caller = context.RequirePersonalData(request.ParticipantId);
        var id = Id(request.ParticipantId);
        await ParticipantAsync(id);
        var letter = await File(id).RequestVisaLetterAsync(caller.Actor);
        return new() { VisaLetter = letter.ToProto() };
    }

    public async Task<DecideVisaLetterResponse> DecideVisaLetter(DecideVisaLetterRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var id = Id(request.ParticipantId);
        var (participant, _) = await ParticipantAsync(id);
        if (request.Issue && participant.Status == WeGoAssembly.Contracts.Accreditation.AccreditationStatus.Rejected)
            throw new DomainException(DomainErrorKind.StateConflict,
                $"The accreditation of {participant.DisplayName} was rejected ({participant.RejectionReason}); a visa letter invites an accredited participant.");
        // The code is "{participant id}.{256 random bits}": it leads to the file, and only its hash is compared.
        var code = $"{id}.{DisplayTokens.NewSecret()}";
        var letter = await File(id).DecideVisaLetterAsync(request.Issue, request.Reason, DisplayTokens.Hash(code), secrets.Seal(code), caller.Actor);
        Refresh(id);
        return new() { VisaLetter = letter.ToProto(), VerificationUrl = letter.Status == VisaLetterStatus.Issued ? sources.VerificationUrl(code) : "" };
    }

    public async Task<RevokeVisaLetterResponse> RevokeVisaLetter(RevokeVisaLetterRequest request, CallContext context)
    {
        var caller = context.Require(Role.Secretariat);
        var id = Id(request.ParticipantId);
        await ParticipantAsync(id);
        var letter = await File(id).RevokeVisaLetterAsync(request.Reason, caller.Actor);
        Refresh(id);
        return new() { VisaLetter = letter.ToProto() };
    }

    public async Task<VerifyVisaLetterResponse> VerifyVisaLetter(VerifyVisaLetterRequest request, CallContext context)
    {
        var code = request.Code.Trim();
        var unknown = DomainException.NotFound("No visa letter has this verification code. Check the address against the QR code on the letter; a letter that does not verify should not be trusted.");
        var dot = code.LastIndexOf('.');
        if (dot <= 0 || code.Length > 200 || !IsParticipantId(code[..dot]))
            throw unknown;
        var id = code[..dot];
        var file = await File(id).VerifyAsync(DisplayTokens.Hash(code)) ?? throw unknown;
        var (participant, assembly) = await ParticipantAsync(id);
        var letter = file.VisaLetter!;
        var revoked = letter.Status == VisaLetterStatus.Revoked;
        return new()
        {
            Reference = letter.Reference,
            // A letter invites an accredited participant: a rejection ends it as a revocation does.
            Valid = !revoked && participant.Status != WeGoAssembly.Contracts.Accreditation.AccreditationStatus.Rejected,
            Name = participant.DisplayName,
            NameLatin = $"{file.Details.GivenNameLatin} {file.Details.FamilyNameLatin.ToUpperInvariant()}".Trim(),
            Nationality = file.Details.Passport?.Nationality ?? "",
            PassportNumberMasked = file.Details.Passport?.MaskedNumber ?? "",
            AssemblyTitle = assembly.Title,
            AssemblyStartsOn = assembly.StartsOn?.ToString("yyyy-MM-dd") ?? "",
            AssemblyEndsOn = assembly.EndsOn?.ToString("yyyy-MM-dd") ?? "",
            IssuedAt = letter.DecidedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
            RevokedAt = letter.RevokedAt is { } r ? Timestamp.FromDateTimeOffset(r) : null,
        };
    }

    public async Task<GetDocumentResponse> GetDocument(GetDocumentRequest request, CallContext context)
    {
        context.RequirePersonalData(request.ParticipantId);
        var id = Id(request.ParticipantId);
        if (!System.Enum.IsDefined((DocumentKind)request.Kind))
            throw DomainException.Invalid("kind", "kind must be one of DOCUMENT_KIND_CONFIRMATION, _BADGE, _VISA_LETTER and _CERTIFICATE.");
        var kind = (DocumentKind)request.Kind;
        var source = await sources.ReadAsync(id);
        if (source.Refusal(kind) is { } why)
            throw new DomainException(DomainErrorKind.StateConflict, why);
        var stored = await grains.GetGrain<IDocumentGrain>(DocumentJob.Key(id, kind)).GetAsync();
        if (stored?.SourceSha256 == source.Sha256(kind))
            return stored.ToProto(source.FileName(kind));
        // A client that asks every second for a document being made queues one job, not one per question.
        if (clock.GetUtcNow() - queued.GetValueOrDefault(id) > TimeSpan.FromSeconds(10))
        {
            queued[id] = clock.GetUtcNow();
            Refresh(id);
        }
        throw new RpcException(new Status(StatusCode.Unavailable, stored is null
            ? "The document is being made in the background; ask again in a few seconds."
            : "The document is being made again, as its data changed; ask again in a few seconds."));
    }

    public async Task<ExportPersonalDataResponse> ExportPersonalData(ExportPersonalDataRequest request, CallContext context)
    {
        context.RequirePersonalData(request.ParticipantId);
        var id = Id(request.ParticipantId);
        var source = await sources.ReadAsync(id);
        var (assemblyId, cityId) = ParticipantIds.Parse("participant_id", id);
        var presence = (await grains.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(assemblyId, cityId)).GetPresenceHistoryAsync())
            .Where(e => e.ParticipantId == id)
            .Select(e => new { e.At, checkedIn = e.CheckedIn, e.Note });
        var letter = source.File.VisaLetter;
        var export = new
        {
            exportedAt = clock.GetUtcNow(),
            participant = source.Participant,
            memberCity = new { source.City.Id, source.City.NameEn, source.City.NameLocal },
            assembly = new { source.Assembly.Id, source.Assembly.Title, source.Assembly.Venue, source.Assembly.StartsOn, source.Assembly.EndsOn },
            personalDetails = source.File.Details,
            photoJpegBase64 = source.Photo is { } photo ? Convert.ToBase64String(photo) : null,
            visaLetter = letter is null ? null : new { letter.Status, letter.Reference, letter.RequestedAt, letter.DecidedAt, letter.Reason },
            presence,
            documents = System.Enum.GetValues<DocumentKind>().Where(k => source.Refusal(k) is null).Select(k => k.ToString()),
        };
        return new()
        {
            Json = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(export, ExportJson)),
            FileName = $"wego-personal-data-{id}.json",
        };
    }

    // When a download last queued a participant's documents (this node; a few entries per person asking).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> queued = new(StringComparer.Ordinal);

    private static readonly JsonSerializerOptions ExportJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Queues the participant's documents to be made again; they are ready a few seconds later.</summary>
    private void Refresh(string participantId) => jobs.Enqueue<DocumentJob>(j => j.RefreshAsync(participantId));

    /// <summary>The participant and their assembly; NOT_FOUND for a participant not registered.</summary>
    private async Task<(Participant Participant, Assembly Assembly)> ParticipantAsync(string id)
    {
        var (assemblyId, cityId) = ParticipantIds.Parse("participant_id", id);
        var participant = (await grains.GetGrain<IDelegationGrain>(ParticipantIds.DelegationKey(assemblyId, cityId)).GetAsync())
            .Participants.FirstOrDefault(p => p.Id == id)
            ?? throw DomainException.NotFound($"No participant \"{TextRules.Shorten(id)}\" is registered in the delegation of {cityId} to {assemblyId}.");
        var assembly = await grains.GetGrain<IAssemblyGrain>(assemblyId).GetAsync() ?? throw DomainException.NotFound($"No assembly \"{assemblyId}\" exists.");
        return (participant, assembly);
    }

    private static string Id(string participantId)
    {
        ParticipantIds.Parse("participant_id", participantId);
        return participantId.Trim();
    }

    private static bool IsParticipantId(string id)
    {
        try
        {
            ParticipantIds.Parse("code", id);
            return true;
        }
        catch (DomainException)
        {
            return false;
        }
    }

    private IPersonalFileGrain File(string participantId) => grains.GetGrain<IPersonalFileGrain>(participantId);
}
