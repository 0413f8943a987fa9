using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WeGoAssembly.Grpc;

/// <summary>Adds gRPC services to the container: <c>services.AddGrpcWire().AddService&lt;MembershipService&gt;()</c>.</summary>
public interface IGrpcWireBuilder
{
    IServiceCollection Services { get; }

    /// <summary>Registers a service class (scoped, unless registered otherwise before) and its rpcs.</summary>
    IGrpcWireBuilder AddService<TService>()
        where TService : class, IGrpcService;
}

/// <summary>Registration and pipeline entry points of the gRPC wire layer.</summary>
public static class GrpcWireServiceCollectionExtensions
{
    public static IGrpcWireBuilder AddGrpcWire(this IServiceCollection services, Action<GrpcWireOptions>? configure = null)
    {
        var options = services.AddOptions<GrpcWireOptions>()
            .Validate(o => o.MaxReceiveMessageSize > 0 && o.MaxSendMessageSize > 0, "GrpcWireOptions: message size limits must be positive.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(sp => GrpcMethodTable.Build(sp, sp.GetServices<GrpcServiceRegistration>()));
        services.TryAddSingleton<LocalCalls>();
        return new GrpcWireBuilder(services);
    }

    /// <summary>
    /// Serves requests whose content-type is application/grpc* and passes every other request on. The rpc table is
    /// built (and services validated) when the host builds this pipeline, so a bad service fails StartAsync/Run.
    /// </summary>
    public static IApplicationBuilder UseGrpcWire(this IApplicationBuilder app) => app.UseMiddleware<GrpcWireMiddleware>();

    private sealed class GrpcWireBuilder(IServiceCollection services) : IGrpcWireBuilder
    {
        public IServiceCollection Services => services;

        public IGrpcWireBuilder AddService<TService>()
            where TService : class, IGrpcService
        {
            services.TryAddScoped<TService>();
            services.AddSingleton(new GrpcServiceRegistration(typeof(TService), TService.Descriptor));
            return this;
        }
    }
}
