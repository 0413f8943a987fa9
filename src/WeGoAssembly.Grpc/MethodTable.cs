using System.Collections.Frozen;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Microsoft.Extensions.DependencyInjection;

namespace WeGoAssembly.Grpc;

/// <summary>A service class registered with <see cref="IGrpcWireBuilder.AddService{TService}"/>.</summary>
internal sealed record GrpcServiceRegistration(Type ServiceType, ServiceDescriptor Descriptor)
{
    public IGrpcService Resolve(IServiceProvider services) => (IGrpcService)services.GetRequiredService(ServiceType);
}

/// <summary>One rpc the server answers, keyed by its path "/package.Service/Method".</summary>
/// <remarks>
/// <see cref="Factory"/>, when set, makes the handler for a call's service instance of <see cref="InstanceType"/>
/// without binding the service again; otherwise (or for an instance of another class) each call binds again.
/// </remarks>
internal sealed record GrpcMethod(
    GrpcServiceRegistration Service, string Name, Type InstanceType, Func<object, MethodHandler>? Factory);

/// <summary>
/// Every rpc the server answers. Built once when the request pipeline is built (host start-up), binding each service
/// with a validating binder, so a service that leaves an rpc unbound fails start-up instead of its first call.
/// </summary>
internal sealed class GrpcMethodTable
{
    private readonly FrozenDictionary<string, GrpcMethod> methods;
    private readonly FrozenSet<string> services;

    private GrpcMethodTable(Dictionary<string, GrpcMethod> methods, IEnumerable<string> services)
    {
        this.methods = methods.ToFrozenDictionary(StringComparer.Ordinal);
        this.services = services.ToFrozenSet(StringComparer.Ordinal);
    }

    public static GrpcMethodTable Build(IServiceProvider root, IEnumerable<GrpcServiceRegistration> registrations)
    {
        var methods = new Dictionary<string, GrpcMethod>(StringComparer.Ordinal);
        var services = new Dictionary<string, Type>(StringComparer.Ordinal);
        using var scope = root.CreateScope();
        foreach (var registration in registrations.DistinctBy(r => r.ServiceType))
        {
            var name = registration.Descriptor.FullName;
            if (!services.TryAdd(name, registration.ServiceType))
            {
                throw new InvalidOperationException(
                    $"{registration.ServiceType.Name} and {services[name].Name} both implement {name}; register only one.");
            }

            var instance = registration.Resolve(scope.ServiceProvider);
            var binder = ServiceBinder.ForValidation(registration.ServiceType, registration.Descriptor, instance);
            instance.Bind(binder);
            binder.EnsureComplete();
            foreach (var method in binder.Bound.Keys)
            {
                methods.Add($"/{name}/{method}",
                    new GrpcMethod(registration, method, instance.GetType(), binder.Factories.GetValueOrDefault(method)));
            }
        }

        return new GrpcMethodTable(methods, services.Keys);
    }

    /// <summary>The handler for a path, bound on this call's service instance; UNIMPLEMENTED when there is none.</summary>
    public MethodHandler Resolve(string path, IServiceProvider requestServices)
    {
        if (!methods.TryGetValue(path, out var method))
        {
            throw new RpcException(StatusCode.Unimplemented, UnknownPathMessage(path));
        }

        var registration = method.Service;
        var service = registration.Resolve(requestServices);
        if (method.Factory is { } factory && service.GetType() == method.InstanceType)
        {
            return factory(service);
        }

        var binder = ServiceBinder.ForCall(registration.ServiceType, registration.Descriptor, method.Name);
        service.Bind(binder);
        return binder.Bound.GetValueOrDefault(method.Name)
            ?? throw new InvalidOperationException($"{registration.ServiceType.Name} did not bind {method.Name} this time, though it did at start-up.");
    }

    private string UnknownPathMessage(string path)
    {
        // Path is "/package.Service/Method"; anything else names no service we know.
        var slash = path.LastIndexOf('/');
        var service = slash > 0 ? path[1..slash] : path.TrimStart('/');
        return slash > 0 && services.Contains(service)
            ? $"Unknown method {path[(slash + 1)..]} of service {service}"
            : $"Unknown service {service}";
    }
}
