using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WeGoAssembly.Grains;
using WeGoAssembly.Grpc;
using WeGoAssembly.Runtime;
using WeGoAssembly.Server.Api;
using WeGoAssembly.Server.Auth;
using WeGoAssembly.Server.Jobs;
using WeGoAssembly.Server.Web;
using WeGoAssembly.Storage;
using WeGoAssembly.Storage.Voting;

namespace WeGoAssembly.Server.Hosting;

/// <summary>The composition root: what the host registers and how its pipeline is laid out.</summary>
public static partial class WeGoAssemblyHost
{
    public static WebApplicationBuilder AddWeGoAssembly(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddEnvironmentVariables(prefix: "WEGO__");
        var options = WeGoOptions.From(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);

        if (options.PostgresConnectionString.Length > 0)
        {
            services.AddPostgresStorage(options.PostgresConnectionString);
            // The first hosted service, so it stops last: the lease is released after every write.
            services.AddSingleton(LeaseOptions.From(builder.Configuration));
            services.AddSingleton<NodeLeaseKeeper>();
            services.AddHostedService(sp => sp.GetRequiredService<NodeLeaseKeeper>());
        }
        else
        {
            services.AddSqliteStorage(options.SqlitePath);
        }

        services.AddGrainRuntime(o => o.IdleTimeout = options.GrainIdleTimeout);
        services.AddBallotLedger();
        services.AddAssemblyGrains();
        // Quartz's hosted service is registered after the grain runtime's, so it stops first.
        services.AddGrainReminders(
            options.PostgresConnectionString.Length > 0 ? StorageProvider.Postgres : StorageProvider.Sqlite,
            ReminderOptions.From(builder.Configuration));

        services.AddSingleton(AuthOptions.From(builder.Configuration));
        services.AddSingleton<BearerTokens>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<Authorization>();
        services.AddSingleton<AuthStartup>();

        services.AddGrpcWire(o =>
            {
                o.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
                o.ExceptionMappers.Add(DomainStatus.Map);
            })
            .AddService<MembershipService>()
            .AddService<AssemblyService>()
            .AddService<AccreditationService>()
            .AddService<AuthService>()
            .AddService<AuditService>()
            .AddService<AgendaService>()
            .AddService<VotingService>()
            .AddService<LogisticsService>();
        services.AddScoped<MembershipService>();
        services.AddScoped<AssemblyService>();
        services.AddScoped<AccreditationService>();
        services.AddScoped<AuthService>();
        services.AddScoped<AuditService>();
        services.AddScoped<AgendaService>();
        services.AddScoped<VotingService>();
        services.AddSingleton<ParticipantRoles>();
        services.AddScoped<LogisticsService>();

        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage");
        services.AddWebUi();
        return builder;
    }

    /// <summary>
    /// Applies the schema; on PostgreSQL waits as the standby until this node holds the node lease; then
    /// seeds sample data, lays out the pipeline and starts listening.
    /// </summary>
    public static async Task StartWeGoAssemblyAsync(this WebApplication app)
    {
        await app.Services.ApplyStorageSchemaAsync();
        if (app.Services.GetService<NodeLeaseKeeper>() is { } lease)
        {
            // What a standby can prepare without writing, so that a takeover only has to start it: Quartz's
            // scheduler, created (its tables validated) but not started.
            await app.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler(app.Lifetime.ApplicationStopping);
            await lease.WaitUntilActiveAsync(app.Lifetime.ApplicationStopping);
        }
        await app.Services.GetRequiredService<AuthStartup>().RunAsync(app.Lifetime.ApplicationStopping);
        var options = app.Services.GetRequiredService<WeGoOptions>();
        if (options.SeedSampleData)
            await SampleData.SeedAsync(app.Services.GetRequiredService<IGrainFactory>(), app.Lifetime.ApplicationStopping);

        app.UseGrpcWire();
        app.MapHealthChecks("/healthz");
        app.MapMinutes();
        app.UseWebUi();
        app.Lifetime.ApplicationStarted.Register(() => LogListening(app));
        await app.StartAsync();
    }

    private static void LogListening(WebApplication app)
    {
        var storage = app.Services.GetRequiredService<StorageInfo>();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var endpoints = app.Configuration.GetSection("Kestrel:Endpoints");
        Started(app.Logger, storage.ToString(),
            endpoints["Grpc:Url"] ?? string.Join(", ", addresses),
            endpoints["Web:Url"] ?? string.Join(", ", addresses));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WeGoAssembly started on {Storage}. gRPC (h2c): {GrpcUrl}  Web, gRPC-Web and /healthz: {WebUrl}")]
    private static partial void Started(ILogger logger, string storage, string grpcUrl, string webUrl);
}
