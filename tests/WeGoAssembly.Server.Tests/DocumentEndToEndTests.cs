using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using SkiaSharp;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;
using Assembly = WeGoAssembly.Protos.V1.Assembly;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// The personal file and the official documents through the real host: a participant enters their passport and photo
/// and asks for a visa letter, the secretariat issues it, anyone verifies it by its code until it is revoked, and the
/// PDFs, made in the background, carry the names in both scripts (read back with pdftotext from poppler-utils); bad input
/// changes nothing, and no passport number reaches the audit log; on one database engine per subclass.
/// </summary>
public abstract class DocumentEndToEndTests : IAsyncLifetime
{
    private const string Ga = "docs-2023", PassportNumber = "M12345678";

    private WeGoServer server = null!;
    private SampleApi secretariat = null!;

    protected abstract Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        server = await WeGoServer.StartAsync(await FreshDatabaseAsync());
        secretariat = await server.SecretariatAsync();
        await secretariat.CreateAssembly(new Assembly
        {
            Id = Ga, Title = "WeGO 6th General Assembly", Venue = "Seoul City Hall", Year = 2023, TimeZone = "Asia/Seoul",
            StartsOn = "2023-09-05", EndsOn = "2023-09-07",
        });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await CleanUpAsync();
    }

    private static PersonalDetails Details(string number = PassportNumber, string nationality = "KOR", string expires = "2031-01-31") => new()
    {
        GivenNameLatin = "Gil-dong", FamilyNameLatin = "Hong", DietaryNeeds = "Vegetarian",
        Passport = new() { Number = number, Nationality = nationality, DateOfBirth = "1980-04-23", ExpiresOn = expires },
    };

    private static PersonalDetails With(PersonalDetails details, Action<PersonalDetails> change)
    {
        change(details);
        return details;
    }

    /// <summary>A registered participant, signed in with their own access code.</summary>
    private async Task<(SampleApi Api, string Id)> RegisteredAsync(
        string city = "seoul", string givenName = "길동", string familyName = "홍", ParticipantRole role = ParticipantRole.VotingDelegate)
    {
        var registered = await secretariat.Register(Ga, city, givenName, role, familyName);
        return (await server.ParticipantAsync(registered.AccessCode), registered.Participant.Id);
    }

    public static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
            canvas.Clear(new SKColor(0x33, 0x66, 0x99));
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Png, 100).ToArray();
    }

    /// <summary>The document once the background job has made it (UNAVAILABLE "being made" until then).</summary>
    internal static async Task<GetDocumentResponse> DocumentAsync(SampleApi api, string id, DocumentKind kind)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await api.GetDocument(id, kind);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && e.Status.Detail.Contains("being made") && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(250);
            }
        }
    }

    private static Task<string> TextOfAsync(GetDocumentResponse document) => ToolOnAsync(document, "pdftotext", "-enc", "UTF-8", "{pdf}", "-");

    /// <summary>The text of a PDF, as pdftotext (poppler-utils) extracts it.</summary>
    public static Task<string> PdfTextAsync(byte[] pdf) => TextOfAsync(new GetDocumentResponse { Pdf = ByteString.CopyFrom(pdf) });

    /// <summary>The output of a poppler-utils tool run on the document ("{pdf}" stands for its file; last when absent).</summary>
    private static async Task<string> ToolOnAsync(GetDocumentResponse document, string tool, params string[] arguments)
    {
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(document.Pdf.Span[..5]));
        var file = Path.Combine(Path.GetTempPath(), $"wego-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, document.Pdf.ToByteArray());
        try
        {
            var run = await ToolRun.RunAsync(tool, arguments.Contains("{pdf}") ? arguments.Select(a => a == "{pdf}" ? file : a) : [.. arguments, file]);
            Assert.True(run.ExitCode == 0, run.ToString());
            return run.Output;
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_visa_letter_is_asked_for_issued_verified_printed_and_revoked()
    {
        var (person, id) = await RegisteredAsync();
        await person.UpdatePersonalDetails(id, Details(number: "m1234 5678"));
        var stored = (await person.GetPersonalDetails(id)).Details;
        Assert.Equal(PassportNumber, stored.Passport.Number);   // spaces dropped, upper case
        Assert.Equal("Gil-dong", stored.GivenNameLatin);

        var asked = (await person.RequestVisaLetter(id)).VisaLetter;
        Assert.Equal(VisaLetterStatus.Requested, asked.Status);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => person.DecideVisaLetter(id, issue: true))).StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => person.GetDocument(id, DocumentKind.VisaLetter))).StatusCode);

        var issued = await secretariat.DecideVisaLetter(id, issue: true);
        Assert.Equal(VisaLetterStatus.Issued, issued.VisaLetter.Status);
        Assert.Equal($"WEGO-{id.Replace('.', '-').ToUpperInvariant()}-1", issued.VisaLetter.Reference);
        var code = Uri.UnescapeDataString(issued.VerificationUrl[(issued.VerificationUrl.LastIndexOf('/') + 1)..]);

        var verified = await server.Anonymous.VerifyVisaLetter(code);
        Assert.True(verified.Valid);
        Assert.Equal(issued.VisaLetter.Reference, verified.Reference);
        Assert.Equal("길동 홍", verified.Name);
        Assert.Equal("Gil-dong HONG", verified.NameLatin);
        Assert.Equal("KOR", verified.Nationality);
        Assert.Equal("•••••5678", verified.PassportNumberMasked);
        Assert.Equal(("2023-09-05", "2023-09-07"), (verified.AssemblyStartsOn, verified.AssemblyEndsOn));
        Assert.DoesNotContain("1234", verified.ToString());   // the hidden part of the number appears nowhere

        var frozen = await Assert.ThrowsAsync<RpcException>(() => person.UpdatePersonalDetails(id, Details(number: "N98765432")));
        Assert.Equal(StatusCode.FailedPrecondition, frozen.StatusCode);
        Assert.Contains("revoke", frozen.Status.Detail);
        Assert.Equal(PassportNumber, (await person.GetPersonalDetails(id)).Details.Passport.Number);

        var letter = await TextOfAsync(await DocumentAsync(person, id, DocumentKind.VisaLetter));
        Assert.Contains("길동 홍", letter);
        Assert.Contains("Gil-dong HONG", letter);
        Assert.Contains(issued.VisaLetter.Reference, letter);
        Assert.Contains(PassportNumber, letter);
        Assert.Contains("초청장", letter);
        Assert.Contains(issued.VerificationUrl, letter.Replace("\n", ""));

        // Another participant sees none of it; a made-up code verifies nothing.
        var (other, _) = await RegisteredAsync(city: "busan", givenName: "Ji-soo", familyName: "Park");
        foreach (var call in new Func<Task>[] { () => other.GetPersonalDetails(id), () => other.GetDocument(id, DocumentKind.VisaLetter), () => other.ExportPersonalData(id), () => other.GetPhoto(id) })
            Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(call)).StatusCode);
        foreach (var madeUp in new[] { code[..^2] + "xx", "nonsense", "", id, id + "." + new string('A', 43) })
            Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => server.Anonymous.VerifyVisaLetter(madeUp))).StatusCode);

        var revoked = await secretariat.RevokeVisaLetter(id, "The participant withdrew.");
        Assert.Equal(VisaLetterStatus.Revoked, revoked.VisaLetter.Status);
        var after = await server.Anonymous.VerifyVisaLetter(code);
        Assert.False(after.Valid);
        Assert.NotNull(after.RevokedAt);
        Assert.Equal(verified.IssuedAt, after.IssuedAt);   // the issue date stays
        var gone = await Assert.ThrowsAsync<RpcException>(() => person.GetDocument(id, DocumentKind.VisaLetter));
        Assert.Equal(StatusCode.FailedPrecondition, gone.StatusCode);
        Assert.Contains("revoked", gone.Status.Detail);

        // The audit log records each step, never the number.
        var audit = (await secretariat.Unary<ExportAuditEventsRequest, ExportAuditEventsResponse>("/wego.assembly.v1.AuditService/ExportAuditEvents", new())).Csv.ToStringUtf8();
        Assert.Contains("visa-letter.issued", audit);
        Assert.Contains("visa-letter.revoked", audit);
        Assert.Contains("personal-details.updated", audit);
        Assert.DoesNotContain("12345678", audit);
        Assert.DoesNotContain("1980-04-23", audit);
    }

    [Fact]
    public async Task Badge_confirmation_and_certificate_are_made_from_the_records_and_the_photo()
    {
        var (person, id) = await RegisteredAsync();
        await person.UpdatePersonalDetails(id, Details());
        var photo = await person.UploadPhoto(id, Png(1200, 1600));
        Assert.Equal((600, 800), (photo.Width, photo.Height));   // scaled to fit, re-encoded as JPEG
        var jpeg = (await person.GetPhoto(id)).Jpeg;
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF }, jpeg.Span[..3].ToArray());

        var confirmation = await TextOfAsync(await DocumentAsync(person, id, DocumentKind.Confirmation));
        Assert.Contains("등록 확인서", confirmation);
        Assert.Contains("길동 홍", confirmation);
        Assert.Contains("Gil-dong HONG", confirmation);
        Assert.Contains(id, confirmation);

        var noBadge = await Assert.ThrowsAsync<RpcException>(() => person.GetDocument(id, DocumentKind.Badge));
        Assert.Equal(StatusCode.FailedPrecondition, noBadge.StatusCode);
        Assert.Contains("holds no badge", noBadge.Status.Detail);

        if ((await secretariat.GetDelegation(Ga, "seoul")).CredentialsLetter is null)
            await secretariat.SubmitCredentials(Ga, "seoul", AccreditationCalls.Pdf, "credentials.pdf");
        await secretariat.Review(id, AccreditationDecision.Approve);
        var badge = await secretariat.IssueBadge(id);
        var printed = await DocumentAsync(secretariat, id, DocumentKind.Badge);
        var badgeText = await TextOfAsync(printed);
        Assert.Contains("길동 홍", badgeText);
        Assert.Contains("Gil-dong HONG", badgeText);
        Assert.Contains(badge.BadgeNumber, badgeText);
        Assert.Contains("투표 대표", badgeText);
        Assert.Contains("jpeg", await ToolOnAsync(printed, "pdfimages", "-list"));   // the photo

        var notYet = await Assert.ThrowsAsync<RpcException>(() => person.GetDocument(id, DocumentKind.Certificate));
        Assert.Contains("never checked in", notYet.Status.Detail);
        await secretariat.CheckIn(badge.QrSecret);
        var certificate = await TextOfAsync(await DocumentAsync(person, id, DocumentKind.Certificate));
        Assert.Contains("참석 증명서", certificate);
        Assert.Contains("Certificate of attendance", certificate);
        Assert.Contains("길동 홍", certificate);
        Assert.Contains("Gil-dong HONG", certificate);

        // A change of name in Latin letters makes the badge again.
        var renamed = Details();
        renamed.GivenNameLatin = "Gildong";
        await person.UpdatePersonalDetails(id, renamed);
        var waited = Stopwatch.StartNew();
        while (!(await TextOfAsync(await DocumentAsync(person, id, DocumentKind.Badge))).Contains("Gildong HONG"))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "The badge was not made again after the name changed.");
            await Task.Delay(250);
        }

        var export = (await person.ExportPersonalData(id)).Json.ToStringUtf8();
        Assert.Contains(PassportNumber, export);
        Assert.Contains("Gildong", export);
        Assert.Contains("photoJpegBase64", export);
        Assert.Contains("\"checkedIn\": true", export);
    }

    [Fact]
    public async Task A_rejected_accreditation_ends_the_visa_letter()
    {
        var (person, id) = await RegisteredAsync();
        await person.UpdatePersonalDetails(id, Details());
        await person.RequestVisaLetter(id);
        var url = (await secretariat.DecideVisaLetter(id, issue: true)).VerificationUrl;
        var code = Uri.UnescapeDataString(url[(url.LastIndexOf('/') + 1)..]);
        Assert.True((await server.Anonymous.VerifyVisaLetter(code)).Valid);

        await secretariat.Review(id, AccreditationDecision.Reject, "Not a member of the city's staff.");
        var verified = await server.Anonymous.VerifyVisaLetter(code);
        Assert.False(verified.Valid);
        Assert.Null(verified.RevokedAt);
        var refused = await Assert.ThrowsAsync<RpcException>(() => secretariat.GetDocument(id, DocumentKind.VisaLetter));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("rejected", refused.Status.Detail);
    }

    [Fact]
    public async Task Passport_data_is_deleted_after_the_retention_period_and_kept_before_it()
    {
        var (person, id) = await RegisteredAsync();
        await person.UpdatePersonalDetails(id, Details());
        await person.RequestVisaLetter(id);
        await secretariat.DecideVisaLetter(id, issue: true);
        await DocumentAsync(person, id, DocumentKind.VisaLetter);   // printed: it holds the number too
        await secretariat.CreateAssembly(new Assembly
        {
            Id = "docs-2027", Title = "WeGO 8th General Assembly", Venue = "Seoul City Hall", Year = 2027, TimeZone = "Asia/Seoul", StartsOn = "2027-09-07", EndsOn = "2027-09-09",
        });
        var upcoming = (await secretariat.Register("docs-2027", "seoul", "길동", ParticipantRole.VotingDelegate, "홍")).Participant.Id;
        await secretariat.UpdatePersonalDetails(upcoming, Details());

        var job = server.Services.GetRequiredService<WeGoAssembly.Server.Documents.PassportRetentionJob>();
        Assert.Equal(1, await job.RunAsync(CancellationToken.None));   // the 2023 assembly ended more than 90 days ago
        Assert.Equal(0, await job.RunAsync(CancellationToken.None));   // nothing left: idempotent

        var erased = (await person.GetPersonalDetails(id)).Details;
        Assert.Null(erased.Passport);
        var grains = server.Services.GetRequiredService<Orleans.IGrainFactory>();
        Assert.Null(await grains.GetGrain<WeGoAssembly.Contracts.Documents.IDocumentGrain>($"{id}/{WeGoAssembly.Contracts.Documents.DocumentKind.VisaLetter}").GetAsync());
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => person.GetDocument(id, DocumentKind.VisaLetter))).StatusCode);
        Assert.Equal("Gil-dong", erased.GivenNameLatin);   // only the passport goes
        Assert.Equal(PassportNumber, (await secretariat.GetPersonalDetails(upcoming)).Details.Passport.Number);
        var audit = (await secretariat.Unary<ExportAuditEventsRequest, ExportAuditEventsResponse>("/wego.assembly.v1.AuditService/ExportAuditEvents",
            new() { Filter = new() { ActionPrefix = "passport.erased" } })).Csv.ToStringUtf8();
        Assert.Contains(WeGoAssembly.Server.Documents.PassportRetentionJob.Actor, audit);
        Assert.Contains(id, audit);
    }

    [Fact]
    public async Task Bad_personal_data_and_photos_are_refused_with_the_field_named_and_change_nothing()
    {
        var (person, id) = await RegisteredAsync();
        await person.UpdatePersonalDetails(id, Details());
        var cases = new (PersonalDetails Details, string Field)[]
        {
            (Details(number: "M12#45678"), "passport.number"),
            (Details(number: "M12"), "passport.number"),
            (Details(nationality: "Korea"), "passport.nationality"),
            (Details(expires: "2023-09-01"), "passport.expires_on"),
            (Details(expires: "31/01/2031"), "passport.expires_on"),
            (With(Details(), d => d.GivenNameLatin = "길동"), "given_name_latin"),
            (With(Details(), d => d.DietaryNeeds = new string('x', 501)), "dietary_needs"),
        };
        foreach (var (details, field) in cases)
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => person.UpdatePersonalDetails(id, details));
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Contains(field, refused.Status.Detail);
            Assert.DoesNotContain("12#45678", refused.Status.Detail);
        }
        Assert.Equal(Details().ToString(), (await person.GetPersonalDetails(id)).Details.ToString());

        foreach (var (content, words) in new (byte[], string)[]
        {
            ("not an image"u8.ToArray(), "neither JPEG nor PNG"),
            ([], "empty"),
            (Png(100, 100), "at least 200 × 250"),
            ([0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3], "could not be read"),
        })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => person.UploadPhoto(id, content));
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Contains(words, refused.Status.Detail);
        }
        Assert.False((await person.GetPersonalDetails(id)).HasPhoto);

        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => secretariat.GetPersonalDetails($"{Ga}.seoul.p99"))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => secretariat.GetPersonalDetails("nobody"))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => person.GetDocument(id, DocumentKind.Unspecified))).StatusCode);

        // A letter needs a passport; a refusal needs a reason.
        var (bare, bareId) = await RegisteredAsync(givenName: "Min-ji", familyName: "Kim", role: ParticipantRole.Advisor);
        var noPassport = await Assert.ThrowsAsync<RpcException>(() => bare.RequestVisaLetter(bareId));
        Assert.Equal(StatusCode.FailedPrecondition, noPassport.StatusCode);
        await person.RequestVisaLetter(id);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => secretariat.DecideVisaLetter(id, issue: false))).StatusCode);
        var refusedLetter = await secretariat.DecideVisaLetter(id, issue: false, reason: "Registration closed.");
        Assert.Equal(VisaLetterStatus.Refused, refusedLetter.VisaLetter.Status);
        Assert.Equal("", refusedLetter.VerificationUrl);
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => secretariat.RevokeVisaLetter(id, "x"))).StatusCode);
    }
}

public sealed class SqliteDocumentEndToEndTests : DocumentEndToEndTests
{
    private readonly TempSqliteFile file = new();

    protected override Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path });

    protected override Task CleanUpAsync()
    {
        file.Dispose();
        return Task.CompletedTask;
    }
}

[Collection(Testing.PostgresCollection.Name)]
public sealed class PostgresDocumentEndToEndTests(PostgresCluster cluster) : DocumentEndToEndTests
{
    protected override async Task<IReadOnlyDictionary<string, string?>> FreshDatabaseAsync() =>
        new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = await cluster.CreateDatabaseAsync() };
}

/// <summary>Typed DocumentService calls as one signed-in caller.</summary>
public static class DocumentCalls
{
    public const string Service = "/wego.assembly.v1.DocumentService/";

    public static Task<GetPersonalDetailsResponse> GetPersonalDetails(this SampleApi api, string id) =>
        api.Unary<GetPersonalDetailsRequest, GetPersonalDetailsResponse>(Service + "GetPersonalDetails", new() { ParticipantId = id });

    public static Task<UpdatePersonalDetailsResponse> UpdatePersonalDetails(this SampleApi api, string id, PersonalDetails details) =>
        api.Unary<UpdatePersonalDetailsRequest, UpdatePersonalDetailsResponse>(Service + "UpdatePersonalDetails", new() { ParticipantId = id, Details = details });

    public static Task<UploadPhotoResponse> UploadPhoto(this SampleApi api, string id, byte[] content) =>
        api.Unary<UploadPhotoRequest, UploadPhotoResponse>(Service + "UploadPhoto", new() { ParticipantId = id, Content = ByteString.CopyFrom(content) });

    public static Task<GetPhotoResponse> GetPhoto(this SampleApi api, string id) =>
        api.Unary<GetPhotoRequest, GetPhotoResponse>(Service + "GetPhoto", new() { ParticipantId = id });

    public static Task<RequestVisaLetterResponse> RequestVisaLetter(this SampleApi api, string id) =>
        api.Unary<RequestVisaLetterRequest, RequestVisaLetterResponse>(Service + "RequestVisaLetter", new() { ParticipantId = id });

    public static Task<DecideVisaLetterResponse> DecideVisaLetter(this SampleApi api, string id, bool issue, string reason = "") =>
        api.Unary<DecideVisaLetterRequest, DecideVisaLetterResponse>(Service + "DecideVisaLetter", new() { ParticipantId = id, Issue = issue, Reason = reason });

    public static Task<RevokeVisaLetterResponse> RevokeVisaLetter(this SampleApi api, string id, string reason) =>
        api.Unary<RevokeVisaLetterRequest, RevokeVisaLetterResponse>(Service + "RevokeVisaLetter", new() { ParticipantId = id, Reason = reason });

    public static Task<VerifyVisaLetterResponse> VerifyVisaLetter(this SampleApi api, string code) =>
        api.Unary<VerifyVisaLetterRequest, VerifyVisaLetterResponse>(Service + "VerifyVisaLetter", new() { Code = code });

    public static Task<GetDocumentResponse> GetDocument(this SampleApi api, string id, DocumentKind kind) =>
        api.Unary<GetDocumentRequest, GetDocumentResponse>(Service + "GetDocument", new() { ParticipantId = id, Kind = kind });

    public static Task<ExportPersonalDataResponse> ExportPersonalData(this SampleApi api, string id) =>
        api.Unary<ExportPersonalDataRequest, ExportPersonalDataResponse>(Service + "ExportPersonalData", new() { ParticipantId = id });
}
