using System.Net;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WeGoAssembly.Grpc.Tests.Protos;

namespace WeGoAssembly.Grpc.Tests;

/// <summary>A service that does not match its proto must stop the host from starting, with a message that says what to fix.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task Start_up_fails_when_a_service_lacks_a_handler_for_one_of_its_rpcs()
    {
        var error = await StartAsync<IncompleteEchoService>();

        Assert.Equal(
            "IncompleteEchoService does not implement rpc wego.grpc.test.v1.EchoService/Sleep: bind a handler in Bind().",
            error.Message);
    }

    [Fact]
    public async Task Start_up_fails_when_a_handler_is_bound_with_the_wrong_message_types()
    {
        var error = await StartAsync<MistypedEchoService>();

        Assert.Contains("binds wego.grpc.test.v1.EchoService/Echo with request type", error.Message);
        Assert.Contains("wego.grpc.test.v1.EchoRequest", error.Message);
    }

    [Fact]
    public async Task Start_up_fails_when_a_streaming_rpc_is_bound_as_unary()
    {
        var error = await StartAsync<UnaryCountEchoService>();

        Assert.Contains("binds wego.grpc.test.v1.EchoService/Count as unary, but the proto declares it server-streaming", error.Message);
    }

    [Fact]
    public async Task Start_up_fails_when_a_handler_names_an_rpc_the_proto_lacks()
    {
        var error = await StartAsync<ExtraEchoService>();

        Assert.Contains("wego.grpc.test.v1.EchoService/Shout, but the proto service has no such rpc", error.Message);
    }

    private static async Task<InvalidOperationException> StartAsync<TService>()
        where TService : class, IGrpcService
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Services.AddGrpcWire().AddService<TService>();
        await using var app = builder.Build();
        app.UseGrpcWire();

        return await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
    }

    private static Task<EchoReply> Reply(EchoRequest request, ServerCallContext context) => Task.FromResult(new EchoReply());

    private static Task<EchoReply> Sleep(SleepRequest request, ServerCallContext context) => Task.FromResult(new EchoReply());

    private static Task<EchoReply> Throw(ThrowRequest request, ServerCallContext context) => Task.FromResult(new EchoReply());

    private static Task Count(CountRequest request, IServerStreamWriter<CountReply> writer, ServerCallContext context) => Task.CompletedTask;

    /// <summary>Forgets Sleep.</summary>
    private sealed class IncompleteEchoService : IGrpcService
    {
        public static ServiceDescriptor Descriptor => EchoReflection.Descriptor.Services[0];

        public void Bind(ServiceBinder binder) => binder
            .Unary<EchoRequest, EchoReply>("Echo", Reply)
            .Unary<ThrowRequest, EchoReply>("Throw", Throw)
            .ServerStreaming<CountRequest, CountReply>("Count", Count);
    }

    /// <summary>Binds Echo to SleepRequest.</summary>
    private sealed class MistypedEchoService : IGrpcService
    {
        public static ServiceDescriptor Descriptor => EchoReflection.Descriptor.Services[0];

        public void Bind(ServiceBinder binder) => binder.Unary<SleepRequest, EchoReply>("Echo", Sleep);
    }

    /// <summary>Binds the streaming Count as unary.</summary>
    private sealed class UnaryCountEchoService : IGrpcService
    {
        public static ServiceDescriptor Descriptor => EchoReflection.Descriptor.Services[0];

        public void Bind(ServiceBinder binder) =>
            binder.Unary<CountRequest, EchoReply>("Count", (_, _) => Task.FromResult(new EchoReply()));
    }

    /// <summary>Binds an rpc the proto does not have.</summary>
    private sealed class ExtraEchoService : IGrpcService
    {
        public static ServiceDescriptor Descriptor => EchoReflection.Descriptor.Services[0];

        public void Bind(ServiceBinder binder) => binder.Unary<EchoRequest, EchoReply>("Shout", Reply);
    }
}
