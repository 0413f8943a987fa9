using WeGoAssembly.Testing;
using Google.Protobuf;
using Grpc.Core;
using WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// Typed calls to the implemented services over the C# gRPC client, as one signed-in user: every call
/// carries "authorization: Bearer &lt;token&gt;" from <see cref="Session"/> (none for an anonymous caller).
/// </summary>
public sealed class SampleApi(GrpcClient client, AuthSession? session = null)
{
    private const string Membership = "/wego.assembly.v1.MembershipService/", Assemblies = "/wego.assembly.v1.AssemblyService/",
        Auth = "/wego.assembly.v1.AuthService/", Audit = "/wego.assembly.v1.AuditService/";

    public GrpcClient Raw => client;

    /// <summary>The session this caller signed in with; null when anonymous.</summary>
    public AuthSession? Session => session;

    /// <summary>The call options that carry this caller's token; pass them on <see cref="Raw"/> calls.</summary>
    public CallSettings Options => session is null
        ? default
        : new(Headers: new Dictionary<string, string> { ["authorization"] = "Bearer " + session.BearerToken });

    /// <summary>Any unary rpc as this caller, for example "/wego.assembly.v1.MembershipService/GetMemberCity".</summary>
    public Task<TResponse> Unary<TRequest, TResponse>(string fullMethod, TRequest request)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        client.UnaryAsync<TRequest, TResponse>(fullMethod, request, Options);

    /// <summary>Any server-streaming rpc as this caller.</summary>
    public IAsyncEnumerable<TResponse> ServerStreaming<TRequest, TResponse>(string fullMethod, TRequest request)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        client.ServerStreamingAsync<TRequest, TResponse>(fullMethod, request, Options);

    public Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request) =>
        Unary<ListAuditEventsRequest, ListAuditEventsResponse>(Audit + "ListAuditEvents", request);

    public Task<UpsertMemberCityResponse> UpsertMemberCity(MemberCity memberCity) =>
        Unary<UpsertMemberCityRequest, UpsertMemberCityResponse>(Membership + "UpsertMemberCity", new() { MemberCity = memberCity });

    public async Task<MemberCity> GetMemberCity(string id) =>
        (await Unary<GetMemberCityRequest, GetMemberCityResponse>(Membership + "GetMemberCity", new() { MemberCityId = id })).MemberCity;

    public Task<ListMemberCitiesResponse> ListMemberCities(ListMemberCitiesRequest request) =>
        Unary<ListMemberCitiesRequest, ListMemberCitiesResponse>(Membership + "ListMemberCities", request);

    public async Task<MemberCity> RecordDuesPayment(string id, int year, string note = "") =>
        (await Unary<RecordDuesPaymentRequest, RecordDuesPaymentResponse>(Membership + "RecordDuesPayment",
            new() { MemberCityId = id, PaidThroughYear = year, Note = note })).MemberCity;

    public Task<ImportMemberCitiesResponse> ImportMemberCities(string csv, bool dryRun = false) =>
        Unary<ImportMemberCitiesRequest, ImportMemberCitiesResponse>(Membership + "ImportMemberCities",
            new() { Csv = ByteString.CopyFromUtf8(csv), DryRun = dryRun });

    public IAsyncEnumerable<StreamMemberCitiesResponse> StreamMemberCities(StreamMemberCitiesRequest request) =>
        ServerStreaming<StreamMemberCitiesRequest, StreamMemberCitiesResponse>(Membership + "StreamMemberCities", request);

    /// <summary>Every member city, page by page, with the page size given.</summary>
    public async Task<List<MemberCity>> ListAll(int pageSize, MemberCategory category = default, MemberStatus status = default)
    {
        var all = new List<MemberCity>();
        var token = "";
        do
        {
            var page = await ListMemberCities(new() { PageSize = pageSize, PageToken = token, Category = category, Status = status });
            Assert.True(page.MemberCities.Count <= pageSize);
            all.AddRange(page.MemberCities);
            token = page.NextPageToken;
        } while (token.Length > 0);
        return all;
    }

    public async Task<Assembly> CreateAssembly(Assembly assembly) =>
        (await Unary<CreateAssemblyRequest, CreateAssemblyResponse>(Assemblies + "CreateAssembly", new() { Assembly = assembly })).Assembly;

    public async Task<Assembly> GetAssembly(string id) =>
        (await Unary<GetAssemblyRequest, GetAssemblyResponse>(Assemblies + "GetAssembly", new() { AssemblyId = id })).Assembly;

    public async Task<Assembly> UpdateAssemblyRules(UpdateAssemblyRulesRequest request) =>
        (await Unary<UpdateAssemblyRulesRequest, UpdateAssemblyRulesResponse>(Assemblies + "UpdateAssemblyRules", request)).Assembly;

    public Task<ListAssembliesResponse> ListAssemblies(ListAssembliesRequest request) =>
        Unary<ListAssembliesRequest, ListAssembliesResponse>(Assemblies + "ListAssemblies", request);

    public Task<ChangePasswordResponse> ChangePassword(string currentPassword, string newPassword) =>
        Unary<ChangePasswordRequest, ChangePasswordResponse>(Auth + "ChangePassword", new() { CurrentPassword = currentPassword, NewPassword = newPassword });

    public async Task<AuthSession> SignIn(string userName, string password) =>
        (await Unary<SignInRequest, SignInResponse>(Auth + "SignIn", new() { UserName = userName, Password = password })).Session;

    public async Task<AuthSession> RedeemAccessCode(string accessCode) =>
        (await Unary<RedeemAccessCodeRequest, RedeemAccessCodeResponse>(Auth + "RedeemAccessCode", new() { AccessCode = accessCode })).Session;

    public Task<UpsertStaffAccountResponse> UpsertStaffAccount(StaffAccount account, string password = "") =>
        Unary<UpsertStaffAccountRequest, UpsertStaffAccountResponse>(Auth + "UpsertStaffAccount", new() { Account = account, Password = password });

    public Task<ListStaffAccountsResponse> ListStaffAccounts(ListStaffAccountsRequest request) =>
        Unary<ListStaffAccountsRequest, ListStaffAccountsResponse>(Auth + "ListStaffAccounts", request);
}
