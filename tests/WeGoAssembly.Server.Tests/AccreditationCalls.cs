using Google.Protobuf;
using WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Tests;

/// <summary>Typed AccreditationService calls as one signed-in caller.</summary>
public static class AccreditationCalls
{
    public const string Service = "/wego.assembly.v1.AccreditationService/";

    /// <summary>The smallest file that reads as a PDF, with some text after the signature.</summary>
    public static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj << /Title (Credentials of the delegation) >> endobj\n%%EOF\n"u8.ToArray();

    public static Task<RegisterParticipantResponse> RegisterParticipant(this SampleApi api, RegisterParticipantRequest request) =>
        api.Unary<RegisterParticipantRequest, RegisterParticipantResponse>(Service + "RegisterParticipant", request);

    public static Task<RegisterParticipantResponse> Register(this SampleApi api, string assemblyId, string cityId, string givenName, ParticipantRole role,
        string familyName = "", bool head = false) =>
        api.RegisterParticipant(new()
        {
            AssemblyId = assemblyId, MemberCityId = cityId, GivenName = givenName, FamilyName = familyName, Title = "Director",
            Organisation = $"{cityId} city hall", Email = $"{role.ToString().ToLowerInvariant()}@{cityId}.example.org", Role = role, HeadOfDelegation = head,
        });

    public static async Task<CredentialsLetter> SubmitCredentials(this SampleApi api, string assemblyId, string cityId, byte[] content, string fileName) =>
        (await api.Unary<SubmitCredentialsRequest, SubmitCredentialsResponse>(Service + "SubmitCredentials",
            new() { AssemblyId = assemblyId, MemberCityId = cityId, Content = ByteString.CopyFrom(content), FileName = fileName })).CredentialsLetter;

    public static async Task<Participant> Review(this SampleApi api, string participantId, AccreditationDecision decision, string reason = "") =>
        (await api.Unary<ReviewAccreditationRequest, ReviewAccreditationResponse>(Service + "ReviewAccreditation",
            new() { ParticipantId = participantId, Decision = decision, Reason = reason })).Participant;

    public static Task<IssueBadgeResponse> IssueBadge(this SampleApi api, string participantId) =>
        api.Unary<IssueBadgeRequest, IssueBadgeResponse>(Service + "IssueBadge", new() { ParticipantId = participantId });

    public static Task<CheckInResponse> CheckIn(this SampleApi api, string badgeCode, string door = "") =>
        api.Unary<CheckInRequest, CheckInResponse>(Service + "CheckIn", new() { BadgeCode = badgeCode, AssemblyId = door });

    public static Task<CheckOutResponse> CheckOut(this SampleApi api, string badgeCode, string door = "") =>
        api.Unary<CheckOutRequest, CheckOutResponse>(Service + "CheckOut", new() { BadgeCode = badgeCode, AssemblyId = door });

    public static async Task<Proxy> RecordProxy(this SampleApi api, string assemblyId, string grantor, string holder, string reference = "") =>
        (await api.Unary<RecordProxyRequest, RecordProxyResponse>(Service + "RecordProxy",
            new() { AssemblyId = assemblyId, GrantorMemberCityId = grantor, HolderMemberCityId = holder, Reference = reference })).Proxy;

    public static async Task<Proxy> RevokeProxy(this SampleApi api, string proxyId, string reason = "") =>
        (await api.Unary<RevokeProxyRequest, RevokeProxyResponse>(Service + "RevokeProxy", new() { ProxyId = proxyId, Reason = reason })).Proxy;

    public static async Task<IReadOnlyList<Proxy>> ListProxies(this SampleApi api, string assemblyId, bool includeRevoked = false) =>
        (await api.Unary<ListProxiesRequest, ListProxiesResponse>(Service + "ListProxies", new() { AssemblyId = assemblyId, IncludeRevoked = includeRevoked })).Proxies;

    public static async Task<Delegation> GetDelegation(this SampleApi api, string assemblyId, string cityId) =>
        (await api.Unary<GetDelegationRequest, GetDelegationResponse>(Service + "GetDelegation", new() { AssemblyId = assemblyId, MemberCityId = cityId })).Delegation;

    public static Task<ListDelegationsResponse> ListDelegations(this SampleApi api, ListDelegationsRequest request) =>
        api.Unary<ListDelegationsRequest, ListDelegationsResponse>(Service + "ListDelegations", request);

    public static async Task<string> ExportDelegations(this SampleApi api, string assemblyId) =>
        (await api.Unary<ExportDelegationsRequest, ExportDelegationsResponse>(Service + "ExportDelegations", new() { AssemblyId = assemblyId })).Csv.ToStringUtf8();

    public static async Task<string> ExportAttendance(this SampleApi api, string assemblyId, AttendanceView view) =>
        (await api.Unary<ExportAttendanceRequest, ExportAttendanceResponse>(Service + "ExportAttendance", new() { AssemblyId = assemblyId, View = view })).Csv.ToStringUtf8();

    /// <summary>As the secretariat: registers a person, files a letter if none is on file, approves and badges them; returns the badge.</summary>
    public static async Task<IssueBadgeResponse> BadgedAsync(this SampleApi secretariat, string assemblyId, string cityId, ParticipantRole role = ParticipantRole.VotingDelegate, string givenName = "민준")
    {
        var registered = await secretariat.Register(assemblyId, cityId, givenName, role, familyName: "김");
        if ((await secretariat.GetDelegation(assemblyId, cityId)).CredentialsLetter is null)
            await secretariat.SubmitCredentials(assemblyId, cityId, Pdf, "credentials.pdf");
        await secretariat.Review(registered.Participant.Id, AccreditationDecision.Approve);
        return await secretariat.IssueBadge(registered.Participant.Id);
    }
}
