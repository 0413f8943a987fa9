using WeGoAssembly.Grpc;
using WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Tests;

/// <summary>Typed calls to the implemented services over the C# gRPC client.</summary>
public sealed class SampleApi(GrpcClient client)
{
    private const string Membership = "/wego.assembly.v1.MembershipService/", Assemblies = "/wego.assembly.v1.AssemblyService/";

    public GrpcClient Raw => client;

    public Task<UpsertMemberCityResponse> UpsertMemberCity(MemberCity memberCity) =>
        client.UnaryAsync<UpsertMemberCityRequest, UpsertMemberCityResponse>(Membership + "UpsertMemberCity", new() { MemberCity = memberCity });

    public async Task<MemberCity> GetMemberCity(string id) =>
        (await client.UnaryAsync<GetMemberCityRequest, GetMemberCityResponse>(Membership + "GetMemberCity", new() { MemberCityId = id })).MemberCity;

    public Task<ListMemberCitiesResponse> ListMemberCities(ListMemberCitiesRequest request) =>
        client.UnaryAsync<ListMemberCitiesRequest, ListMemberCitiesResponse>(Membership + "ListMemberCities", request);

    public async Task<MemberCity> RecordDuesPayment(string id, int year, string note = "") =>
        (await client.UnaryAsync<RecordDuesPaymentRequest, RecordDuesPaymentResponse>(Membership + "RecordDuesPayment",
            new() { MemberCityId = id, PaidThroughYear = year, Note = note })).MemberCity;

    public Task<ImportMemberCitiesResponse> ImportMemberCities(string csv, bool dryRun = false) =>
        client.UnaryAsync<ImportMemberCitiesRequest, ImportMemberCitiesResponse>(Membership + "ImportMemberCities",
            new() { Csv = Google.Protobuf.ByteString.CopyFromUtf8(csv), DryRun = dryRun });

    public IAsyncEnumerable<StreamMemberCitiesResponse> StreamMemberCities(StreamMemberCitiesRequest request) =>
        client.ServerStreamingAsync<StreamMemberCitiesRequest, StreamMemberCitiesResponse>(Membership + "StreamMemberCities", request);

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
        (await client.UnaryAsync<CreateAssemblyRequest, CreateAssemblyResponse>(Assemblies + "CreateAssembly", new() { Assembly = assembly })).Assembly;

    public async Task<Assembly> GetAssembly(string id) =>
        (await client.UnaryAsync<GetAssemblyRequest, GetAssemblyResponse>(Assemblies + "GetAssembly", new() { AssemblyId = id })).Assembly;

    public async Task<Assembly> UpdateAssemblyRules(UpdateAssemblyRulesRequest request) =>
        (await client.UnaryAsync<UpdateAssemblyRulesRequest, UpdateAssemblyRulesResponse>(Assemblies + "UpdateAssemblyRules", request)).Assembly;
}
