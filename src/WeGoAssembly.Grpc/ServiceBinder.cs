using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace WeGoAssembly.Grpc;

/// <summary>A gRPC service class: names its proto service and binds a handler to each of its rpcs.</summary>
public interface IGrpcService
{
    /// <summary>The proto service this class implements, for example <c>MembershipReflection.Descriptor.Services[0]</c>.</summary>
    static abstract ServiceDescriptor Descriptor { get; }

    /// <summary>Binds one handler per rpc; handlers may close over this instance (it is resolved per call).</summary>
    void Bind(ServiceBinder binder);
}

/// <summary>Collects a service's handlers by rpc name and checks each against the proto descriptor.</summary>
public sealed class ServiceBinder
{
    private readonly string serviceName;
    private readonly ServiceDescriptor descriptor;
    private readonly string? onlyMethod;
    private readonly Dictionary<string, MethodHandler> bound = [];

    private ServiceBinder(Type serviceType, ServiceDescriptor descriptor, string? onlyMethod)
    {
        serviceName = serviceType.Name;
        this.descriptor = descriptor;
        this.onlyMethod = onlyMethod;
    }

    /// <summary>The handlers bound so far, by rpc name.</summary>
    internal IReadOnlyDictionary<string, MethodHandler> Bound => bound;

    public ServiceBinder Unary<TRequest, TResponse>(string methodName, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(methodName, typeof(TRequest), typeof(TResponse), serverStreaming: false, () => new UnaryMethod<TRequest, TResponse>(handler));
    }

    public ServiceBinder ServerStreaming<TRequest, TResponse>(
        string methodName, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(methodName, typeof(TRequest), typeof(TResponse), serverStreaming: true, () => new ServerStreamingMethod<TRequest, TResponse>(handler));
    }

    /// <summary>A binder that checks every binding and, through <see cref="EnsureComplete"/>, that no rpc is left out.</summary>
    internal static ServiceBinder ForValidation(Type serviceType, ServiceDescriptor descriptor) => new(serviceType, descriptor, null);

    /// <summary>
    /// A binder for one call. Services are scoped, so their handlers close over a fresh instance each call; binding
    /// again costs a few delegates and keeps only the one handler the call needs. The table was validated at start-up.
    /// </summary>
    internal static ServiceBinder ForCall(Type serviceType, ServiceDescriptor descriptor, string methodName) =>
        new(serviceType, descriptor, methodName);

    internal void EnsureComplete()
    {
        foreach (var method in descriptor.Methods)
        {
            if (bound.ContainsKey(method.Name))
            {
                continue;
            }

            var hint = method.IsClientStreaming
                ? " (client-streaming and bidirectional rpcs are not supported by WeGoAssembly.Grpc)"
                : ": bind a handler in Bind()";
            throw new InvalidOperationException($"{serviceName} does not implement rpc {descriptor.FullName}/{method.Name}{hint}.");
        }
    }

    private ServiceBinder Add(string methodName, Type requestType, Type responseType, bool serverStreaming, Func<MethodHandler> create)
    {
        if (onlyMethod is not null)
        {
            if (methodName == onlyMethod)
            {
                bound[methodName] = create();
            }

            return this;
        }

        var rpc = $"{descriptor.FullName}/{methodName}";
        var method = descriptor.FindMethodByName(methodName)
            ?? throw new InvalidOperationException($"{serviceName} binds a handler for {rpc}, but the proto service has no such rpc.");
        if (method.IsClientStreaming || method.IsServerStreaming != serverStreaming)
        {
            throw new InvalidOperationException(
                $"{serviceName} binds {rpc} as {Kind(false, serverStreaming)}, but the proto declares it {Kind(method.IsClientStreaming, method.IsServerStreaming)}.");
        }

        CheckType(rpc, "request", requestType, method.InputType);
        CheckType(rpc, "response", responseType, method.OutputType);
        if (!bound.TryAdd(methodName, create()))
        {
            throw new InvalidOperationException($"{serviceName} binds {rpc} twice.");
        }

        return this;
    }

    private void CheckType(string rpc, string role, Type bound, MessageDescriptor declared)
    {
        if (bound != declared.ClrType)
        {
            throw new InvalidOperationException(
                $"{serviceName} binds {rpc} with {role} type {bound.FullName}, but the proto declares {declared.FullName} ({declared.ClrType?.FullName}).");
        }
    }

    private static string Kind(bool clientStreaming, bool serverStreaming) => (clientStreaming, serverStreaming) switch
    {
        (false, false) => "unary",
        (false, true) => "server-streaming",
        (true, false) => "client-streaming",
        (true, true) => "bidirectional streaming",
    };
}

/// <summary>One bound rpc, typed by its messages, that knows how to run a call.</summary>
internal abstract class MethodHandler
{
    public abstract Task InvokeAsync(ServerCall call);
}

/// <summary>Unary: exactly one request message in, one response message out.</summary>
internal sealed class UnaryMethod<TRequest, TResponse>(Func<TRequest, ServerCallContext, Task<TResponse>> handler) : MethodHandler
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>
{
    private static readonly MessageParser<TRequest> Parser = new(() => new TRequest());

    public override async Task InvokeAsync(ServerCall call)
    {
        var request = await call.ReadSingleRequestAsync(Parser);
        var response = await handler(request, call.Context)
            ?? throw new InvalidOperationException($"The handler of {call.Context.Method} returned null instead of a {typeof(TResponse).Name}.");
        await call.Response.WriteMessageAsync(response, call.Context.CancellationToken);
    }
}

/// <summary>Server streaming: exactly one request message in, any number of response messages out.</summary>
internal sealed class ServerStreamingMethod<TRequest, TResponse>(
    Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler) : MethodHandler
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>
{
    private static readonly MessageParser<TRequest> Parser = new(() => new TRequest());

    public override async Task InvokeAsync(ServerCall call)
    {
        var request = await call.ReadSingleRequestAsync(Parser);
        await handler(request, new ServerStreamWriter<TResponse>(call.Response, call.Context.CancellationToken), call.Context);
    }
}
