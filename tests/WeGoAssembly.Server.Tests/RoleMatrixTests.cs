using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Auth;
using WeGoAssembly.Testing;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// Every rpc the host serves × every kind of caller, through the real host and client: each call is
/// allowed (and succeeds) or fails with exactly the status the matrix (<see cref="RoleMatrix"/>) expects.
/// </summary>
public sealed class RoleMatrixTests(RoleMatrixTests.Callers callers) : IClassFixture<RoleMatrixTests.Callers>
{
    public static TheoryData<string, MatrixCaller> Cases()
    {
        var cases = new TheoryData<string, MatrixCaller>();
        foreach (var row in RoleMatrix.Rows)
            foreach (var caller in Enum.GetValues<MatrixCaller>())
                cases.Add(row.Method, caller);
        return cases;
    }

    [Fact]
    public void Every_rpc_of_every_served_service_has_exactly_one_row()
    {
        var served = callers.ServedMethods.Keys.Order().ToArray();
        var rows = RoleMatrix.Rows.Select(r => r.Method).ToArray();

        Assert.Contains("AuthService/SignIn", served);
        Assert.Contains("MembershipService/StreamMemberCities", served);
        Assert.Contains("AssemblyService/GetAssembly", served);
        Assert.True(served.Except(rows).ToArray() is [], "Served rpcs without a row in RoleMatrix.Rows: " + string.Join(", ", served.Except(rows)));
        Assert.True(rows.Except(served).ToArray() is [], "Rows for rpcs the host does not serve: " + string.Join(", ", rows.Except(served)));
        Assert.Equal(rows.Length, rows.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_rpc_answers_each_caller_as_the_matrix_says(string method, MatrixCaller caller)
    {
        var row = RoleMatrix.Rows.Single(r => r.Method == method);
        Assert.True(callers.ServedMethods.TryGetValue(method, out var rpc), $"The host does not serve {method}.");
        var request = await row.Request(new MatrixContext(callers.Server, callers.Secretariat, caller));
        var expected = row.Expected.For(caller);

        var (actual, detail) = (StatusCode.OK, "");
        try
        {
            await CallAsync(callers.As(caller), rpc, request);
        }
        catch (RpcException e)
        {
            (actual, detail) = (e.StatusCode, e.Status.Detail);
        }

        Assert.True(expected == actual, $"{method} as {caller}: expected {expected}, got {actual} \"{detail}\"");
        if (caller == MatrixCaller.Anonymous && actual == StatusCode.Unauthenticated)
            Assert.Equal(CallContext.SignInFirst, detail);
        if (actual == StatusCode.PermissionDenied)
            Assert.Contains("needs the", detail);
    }

    public static TheoryData<string> EveryRpc()
    {
        var rpcs = new TheoryData<string>();
        // Rpcs that need a sign-in (sign-in itself and a hall screen's watch, which its token opens, do not).
        foreach (var row in RoleMatrix.Rows.Where(r => r.Expected.Anonymous == StatusCode.Unauthenticated))
            rpcs.Add(row.Method);
        return rpcs;
    }

    /// <summary>An anonymous call with an empty (so invalid) request is refused for the missing sign-in, not for its fields.</summary>
    [Theory]
    [MemberData(nameof(EveryRpc))]
    public async Task An_anonymous_empty_request_is_UNAUTHENTICATED_before_its_fields_are_looked_at(string method)
    {
        var rpc = callers.ServedMethods[method];
        var empty = (IMessage)Activator.CreateInstance(rpc.InputType.ClrType)!;

        var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync(callers.As(MatrixCaller.Anonymous), rpc, empty));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal(CallContext.SignInFirst, error.Status.Detail);
    }

    /// <summary>
    /// The same matrix on the web screens' path: the use-case method the gRPC service calls, with the caller made from
    /// the token by the web's own <see cref="AccessCheck"/>, and failures mapped as the web maps them.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_use_case_answers_each_caller_as_the_matrix_says_on_the_web_path(string method, MatrixCaller caller)
    {
        var row = RoleMatrix.Rows.Single(r => r.Method == method);
        var rpc = callers.ServedMethods[method];
        var request = await row.Request(new MatrixContext(callers.Server, callers.Secretariat, caller));
        // A watch the matrix expects to run until its deadline is, on the web path, one that runs until the page leaves it.
        var expected = rpc.IsServerStreaming && row.Expected.For(caller) == StatusCode.DeadlineExceeded ? StatusCode.OK : row.Expected.For(caller);
        var useCases = callers.Server.Services.GetRequiredService(
            typeof(AuthUseCases).Assembly.GetType($"WeGoAssembly.Server.Application.{rpc.Service.Name[..^"Service".Length]}UseCases", throwOnError: true)!);
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var access = callers.Server.Services.GetRequiredService<AccessCheck>();
        var context = await access.ContextAsync(callers.As(caller).Session?.BearerToken, "web", watching.Token);

        var (actual, detail) = (StatusCode.OK, "");
        try
        {
            var useCase = useCases.GetType().GetMethod(rpc.Name)!;
            await (Task)useCase.Invoke(useCases, rpc.IsServerStreaming
                ? [request, Activator.CreateInstance(typeof(Discard<>).MakeGenericType(rpc.OutputType.ClrType)), context]
                : [request, context])!;
        }
        catch (OperationCanceledException) when (rpc.IsServerStreaming && watching.IsCancellationRequested)
        {
            // A watch ends when the page leaves it: it got past every check.
        }
        catch (Exception e) when (Web.WebApi.AsRefusal(e) is { } refusal)
        {
            (actual, detail) = (refusal.StatusCode, refusal.Status.Detail);
        }

        Assert.True(expected == actual, $"{method} as {caller} on the web path: expected {expected}, got {actual} \"{detail}\"");
        if (actual is StatusCode.PermissionDenied or StatusCode.Unauthenticated)
        {
            // A refusal changes nothing, so the same request over gRPC must be refused in the same words (there, by the
            // rpc's [Authorize] roles where it has them).
            var overGrpc = await Assert.ThrowsAsync<RpcException>(() => CallAsync(callers.As(caller), rpc, request));
            Assert.Equal((actual, detail), (overGrpc.StatusCode, overGrpc.Status.Detail));
        }
        if (caller == MatrixCaller.Anonymous && actual == StatusCode.Unauthenticated)
            Assert.Equal(CallContext.SignInFirst, detail);
        if (actual == StatusCode.PermissionDenied)
            Assert.Contains("needs the", detail);
    }

    private sealed class Discard<T> : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(T message) => Task.CompletedTask;

        public Task WriteAsync(T message, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    internal static Task CallAsync(SampleApi api, MethodDescriptor rpc, IMessage request)
    {
        var call = (rpc.IsServerStreaming ? StreamingCall : UnaryCall).MakeGenericMethod(rpc.InputType.ClrType, rpc.OutputType.ClrType);
        return (Task)call.Invoke(null, [api, $"/{rpc.Service.FullName}/{rpc.Name}", request])!;
    }

    private static readonly MethodInfo UnaryCall = typeof(RoleMatrixTests).GetMethod(nameof(UnaryAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo StreamingCall = typeof(RoleMatrixTests).GetMethod(nameof(StreamAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static Task UnaryAsync<TRequest, TResponse>(SampleApi api, string path, IMessage request)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        api.Unary<TRequest, TResponse>(path, (TRequest)request);

    private static async Task StreamAsync<TRequest, TResponse>(SampleApi api, string path, IMessage request)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        // A watch stream runs until the client leaves; the deadline ends it once the call got past auth.
        var options = api.Options with { Deadline = DateTime.UtcNow.AddSeconds(2) };
        await foreach (var _ in api.Raw.ServerStreamingAsync<TRequest, TResponse>(path, (TRequest)request, options)) { }
    }

    /// <summary>One server with the sample data and one signed-in client per kind of caller, shared by the matrix.</summary>
    public sealed class Callers : IAsyncLifetime
    {
        private readonly TempSqliteFile file = new();
        private readonly Dictionary<MatrixCaller, SampleApi> apis = [];

        public WeGoServer Server { get; private set; } = null!;

        public SampleApi Secretariat => apis[MatrixCaller.Secretariat];

        /// <summary>"Service/Method" of every rpc of every service class the host has registered, from the proto descriptors.</summary>
        public IReadOnlyDictionary<string, MethodDescriptor> ServedMethods { get; private set; } = null!;

        public SampleApi As(MatrixCaller caller) => apis[caller];

        public async Task InitializeAsync()
        {
            Server = await WeGoServer.StartAsync(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path });
            var secretariat = await Server.SecretariatAsync();
            await secretariat.UpsertStaffAccount(AuthEndToEndTests.Staff("matrix-logistics", "Matrix logistics", UserRole.Logistics), "matrix logistics password");

            apis[MatrixCaller.Anonymous] = Server.Anonymous;
            apis[MatrixCaller.ParticipantOfTheCity] = await Server.ParticipantAsync(await Server.IssueAccessCodeAsync(MatrixContext.City));
            apis[MatrixCaller.ParticipantOfAnotherCity] = await Server.ParticipantAsync(await Server.IssueAccessCodeAsync(MatrixContext.OtherCity));
            apis[MatrixCaller.Logistics] = await Server.StaffAsync("matrix-logistics", RoleMatrix.LogisticsPassword);
            apis[MatrixCaller.Secretariat] = secretariat;
            ServedMethods = Served(Server.Services);
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            file.Dispose();
        }

        // The rpcs the host serves are the endpoints Grpc.AspNetCore mapped for our package; the proto descriptor says each one's shape.
        internal static Dictionary<string, MethodDescriptor> Served(IServiceProvider services)
        {
            var rpcs = typeof(AuthService).Assembly.GetTypes()
                .Where(t => t.Name.EndsWith("Reflection", StringComparison.Ordinal) && t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static) is not null)
                .Select(t => (FileDescriptor)t.GetProperty("Descriptor")!.GetValue(null)!)
                .SelectMany(f => f.Services).SelectMany(s => s.Methods)
                .ToDictionary(m => $"/{m.Service.FullName}/{m.Name}");
            return services.GetRequiredService<EndpointDataSource>().Endpoints
                .Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>())
                .Where(m => m is not null && m.Method.ServiceName.StartsWith("wego.assembly.v1.", StringComparison.Ordinal))
                .Select(m => rpcs[m!.Method.FullName])
                .Distinct()
                .ToDictionary(m => $"{m.Service.Name}/{m.Name}");
        }
    }
}
