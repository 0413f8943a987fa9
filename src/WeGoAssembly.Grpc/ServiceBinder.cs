using System.Linq.Expressions;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace WeGoAssembly.Grpc;

/// <summary>A gRPC service class: names its proto service and binds a handler to each of its rpcs.</summary>
public interface IGrpcService
{
    /// <summary>The proto service this class implements, for example <c>MembershipReflection.Descriptor.Services[0]</c>.</summary>
    static abstract ServiceDescriptor Descriptor { get; }

    /// <summary>
    /// Binds one handler per rpc; handlers may close over this instance (it is resolved per call). Handlers that are
    /// methods of this instance (method groups) are bound once at start-up and then run on each call's instance;
    /// for any other handler, Bind runs again on each call.
    /// </summary>
    void Bind(ServiceBinder binder);
}

/// <summary>Collects a service's handlers by rpc name and checks each against the proto descriptor.</summary>
public sealed class ServiceBinder
{
    private readonly string serviceName;
    private readonly ServiceDescriptor descriptor;
    private readonly string? onlyMethod;
    private readonly object? template;
    private readonly bool capture;
    private readonly Dictionary<string, MethodHandler> bound = [];
    private readonly Dictionary<string, Func<object, MethodHandler>?> factories = [];

    private ServiceBinder(Type serviceType, ServiceDescriptor descriptor, string? onlyMethod, object? template = null, bool capture = false)
    {
        serviceName = serviceType.Name;
        this.descriptor = descriptor;
        this.onlyMethod = onlyMethod;
        this.template = template;
        this.capture = capture;
    }

    /// <summary>For an in-process call (<see cref="LocalCalls"/>): the handler delegate of the one rpc asked for, as bound.</summary>
    internal Delegate? Captured { get; private set; }

    /// <summary>The handlers bound so far, by rpc name.</summary>
    internal IReadOnlyDictionary<string, MethodHandler> Bound => bound;

    /// <summary>
    /// For a validation binder given the instance it binds: per rpc, a factory that makes the handler for another
    /// instance of the same class without binding again (null when the handler is not a method of the instance, for
    /// example a lambda capturing locals; such rpcs are bound again on each call).
    /// </summary>
    internal IReadOnlyDictionary<string, Func<object, MethodHandler>?> Factories => factories;

    public ServiceBinder Unary<TRequest, TResponse>(string methodName, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Capture(methodName, handler))
        {
            return this;
        }

        return Add(methodName, typeof(TRequest), typeof(TResponse), serverStreaming: false, () => new UnaryMethod<TRequest, TResponse>(handler),
            () => OpenOnInstance<Func<object, TRequest, ServerCallContext, Task<TResponse>>>(handler) is { } open
                ? service => new InstanceUnaryMethod<TRequest, TResponse>(open, service)
                : null);
    }

    public ServiceBinder ServerStreaming<TRequest, TResponse>(
        string methodName, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Capture(methodName, handler))
        {
            return this;
        }

        return Add(methodName, typeof(TRequest), typeof(TResponse), serverStreaming: true, () => new ServerStreamingMethod<TRequest, TResponse>(handler),
            () => OpenOnInstance<Func<object, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(handler) is { } open
                ? service => new InstanceServerStreamingMethod<TRequest, TResponse>(open, service)
                : null);
    }

    /// <summary>A binder that checks every binding and, through <see cref="EnsureComplete"/>, that no rpc is left out.</summary>
    internal static ServiceBinder ForValidation(Type serviceType, ServiceDescriptor descriptor) => new(serviceType, descriptor, null);

    /// <summary>A validating binder for <paramref name="instance"/> that also builds <see cref="Factories"/>.</summary>
    internal static ServiceBinder ForValidation(Type serviceType, ServiceDescriptor descriptor, IGrpcService instance) =>
        new(serviceType, descriptor, null, instance);

    /// <summary>
    /// A binder for one call. Services are scoped, so their handlers close over a fresh instance each call; binding
    /// again costs a few delegates and keeps only the one handler the call needs. The table was validated at start-up.
    /// </summary>
    internal static ServiceBinder ForCall(Type serviceType, ServiceDescriptor descriptor, string methodName) =>
        new(serviceType, descriptor, methodName);

    /// <summary>A binder that keeps the raw handler of <paramref name="methodName"/> for an in-process call.</summary>
    internal static ServiceBinder ForLocalCall(Type serviceType, ServiceDescriptor descriptor, string methodName) =>
        new(serviceType, descriptor, methodName, capture: true);

    private bool Capture(string methodName, Delegate handler)
    {
        if (!capture)
        {
            return false;
        }

        if (methodName == onlyMethod)
        {
            Captured = handler;
        }

        return true;
    }

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

    private ServiceBinder Add(
        string methodName, Type requestType, Type responseType, bool serverStreaming, Func<MethodHandler> create,
        Func<Func<object, MethodHandler>?> createFactory)
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

        if (template is not null)
        {
            factories[methodName] = createFactory();
        }

        return this;
    }

    /// <summary>
    /// When <paramref name="handler"/> is an instance method of the bound instance (a method group such as
    /// <c>Unary(nameof(Vote), Vote)</c>), the same method as an open delegate taking the instance first; compiled once.
    /// </summary>
    private TOpen? OpenOnInstance<TOpen>(Delegate handler) where TOpen : Delegate
    {
        var method = handler.Method;
        if (template is null || !ReferenceEquals(handler.Target, template) || !handler.HasSingleTarget || method.IsStatic
            || method.DeclaringType is not { IsValueType: false } declaring || !declaring.IsInstanceOfType(template)
            || method.ContainsGenericParameters)
        {
            return null;
        }

        try
        {
            var invoke = typeof(TOpen).GetMethod("Invoke")!;
            var parameters = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
            Expression call = Expression.Call(Expression.Convert(parameters[0], declaring), method, parameters.Skip(1));
            if (call.Type != invoke.ReturnType)
            {
                call = Expression.Convert(call, invoke.ReturnType);
            }

            return Expression.Lambda<TOpen>(call, parameters).Compile();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
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
    internal static readonly MessageParser<TRequest> Parser = new(() => new TRequest());

    public override async Task InvokeAsync(ServerCall call)
    {
        var request = await call.ReadSingleRequestAsync(Parser);
        var response = await handler(request, call.Context)
            ?? throw new InvalidOperationException($"The handler of {call.Context.Method} returned null instead of a {typeof(TResponse).Name}.");
        await call.Response.WriteMessageAsync(response, call.Context.CancellationToken);
    }
}

/// <summary>Unary, running a method bound once at start-up on this call's service instance.</summary>
internal sealed class InstanceUnaryMethod<TRequest, TResponse>(
    Func<object, TRequest, ServerCallContext, Task<TResponse>> handler, object service) : MethodHandler
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>
{
    public override async Task InvokeAsync(ServerCall call)
    {
        var request = await call.ReadSingleRequestAsync(UnaryMethod<TRequest, TResponse>.Parser);
        var response = await handler(service, request, call.Context)
            ?? throw new InvalidOperationException($"The handler of {call.Context.Method} returned null instead of a {typeof(TResponse).Name}.");
        await call.Response.WriteMessageAsync(response, call.Context.CancellationToken);
    }
}

/// <summary>Server streaming, running a method bound once at start-up on this call's service instance.</summary>
internal sealed class InstanceServerStreamingMethod<TRequest, TResponse>(
    Func<object, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler, object service) : MethodHandler
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>
{
    public override async Task InvokeAsync(ServerCall call)
    {
        var request = await call.ReadSingleRequestAsync(UnaryMethod<TRequest, TResponse>.Parser);
        await handler(service, request, new ServerStreamWriter<TResponse>(call.Response, call.Context.CancellationToken), call.Context);
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
