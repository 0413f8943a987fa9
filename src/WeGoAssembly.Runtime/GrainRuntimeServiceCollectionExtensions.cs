using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WeGoAssembly.Runtime;

/// <summary>Settings of the grain runtime.</summary>
public sealed class GrainRuntimeOptions
{
    /// <summary>An activation without calls for this long is deactivated.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the collector looks for idle activations.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    internal void Validate()
    {
        if (IdleTimeout <= TimeSpan.Zero)
            throw new OptionsValidationException(nameof(GrainRuntimeOptions), typeof(GrainRuntimeOptions),
                [$"{nameof(IdleTimeout)} must be positive (was {IdleTimeout})."]);
        if (CollectionInterval <= TimeSpan.Zero)
            throw new OptionsValidationException(nameof(GrainRuntimeOptions), typeof(GrainRuntimeOptions),
                [$"{nameof(CollectionInterval)} must be positive (was {CollectionInterval})."]);
    }
}

/// <summary>Registers the grain runtime and grains.</summary>
public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the runtime as a singleton <see cref="GrainRuntime"/>, <see cref="IGrainFactory"/> and hosted
    /// service (deactivates all grains on shutdown), plus <see cref="IGrainStateReader"/>. Storage comes
    /// from AddSqliteStorage / AddPostgresStorage.
    /// </summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services, Action<GrainRuntimeOptions>? configure = null)
    {
        services.AddLogging();
        var options = services.AddOptions<GrainRuntimeOptions>();
        if (configure is not null)
            options.Configure(configure);
        services.TryAddSingleton(sp => new GrainRuntime(
            sp,
            sp.GetServices<GrainRegistration>(),
            sp.GetRequiredService<IOptions<GrainRuntimeOptions>>().Value,
            sp.GetRequiredService<ILogger<GrainRuntime>>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            // Resolved before the runtime exists, so they are disposed after it has deactivated every grain.
            sp.GetService<IGrainStorage>(),
            sp.GetService<IJournalStorage>()));
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GrainRuntime>(sp => sp.GetRequiredService<GrainRuntime>()));
        services.TryAddSingleton<IGrainStateReader>(sp => new GrainStateReader(sp.GetRequiredService<IGrainStorage>()));
        return services;
    }

    /// <summary>
    /// Maps a grain interface to its implementation; throws at once if a method does not return
    /// Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;, or the constructor cannot be satisfied.
    /// </summary>
    public static IServiceCollection AddGrain<TGrainInterface, TGrain>(this IServiceCollection services)
        where TGrainInterface : class, IGrainWithStringKey
        where TGrain : Grain, TGrainInterface
    {
        services.AddSingleton(GrainRegistration.Create(typeof(TGrainInterface), typeof(TGrain)));
        return services;
    }
}
