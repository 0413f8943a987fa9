using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WeGoAssembly.Grains;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Authentication.Cookies;
using Orleans;
using WeGoAssembly.Server.Application;
using WeGoAssembly.Server.Documents;
using WeGoAssembly.Server.Auth;
using WeGoAssembly.Server.Services;
using WeGoAssembly.Server.Jobs;
using WeGoAssembly.Server.Notifications;
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
        // The framework's browser scripts (blazor.web.js) from the build's static web assets in every environment, not
        // only Development, named after this assembly (a test host's entry assembly is another); a published build
        // carries them in its wwwroot instead.
        builder.WebHost.UseSetting(WebHostDefaults.StaticWebAssetsKey,
            Path.Combine(AppContext.BaseDirectory, typeof(WeGoAssemblyHost).Assembly.GetName().Name + ".staticwebassets.runtime.json"));
        builder.WebHost.UseStaticWebAssets();
        var options = WeGoOptions.From(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);

        var postgres = options.PostgresConnectionString.Length > 0;
        if (postgres)
            services.AddPostgresStorage(options.PostgresConnectionString);
        else
            services.AddSqliteStorage(options.SqlitePath);
        var cluster = ClusterNodeOptions.From(builder.Configuration, postgres);
        services.AddSingleton(cluster);
        builder.AddOrleansSilo(options, cluster);
        services.AddBallotLedger();
        services.AddAssemblyGrains();
        // Hosted services start in this order and stop in reverse: the silo, the start-up work, the job server.
        services.AddHostedService<StartupWork>();
        var mail = MailOptions.From(builder.Configuration);
        var jobs = JobOptions.From(builder.Configuration);
        services.AddBackgroundJobs(
            postgres ? StorageProvider.Postgres : StorageProvider.Sqlite,
            options.SqlitePath, jobs with { AbandonedLockAfter = TimeSpan.FromTicks(Math.Max(jobs.AbandonedLockAfter.Ticks, 2 * mail.Timeout.Ticks)) });
        services.AddNotifications(mail);

        services.AddSingleton(AuthOptions.From(builder.Configuration));
        services.AddSingleton<BearerTokens>();
        services.AddSingleton<AccessCheck>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<AuthStartup>();
        // One key ring for every node, in the database: a cookie made by one node is read by the others.
        services.AddDataProtection().SetApplicationName("WeGoAssembly");
        services.AddOptions<KeyManagementOptions>().Configure<IDbConnectionFactory>((o, db) => o.XmlRepository = new DatabaseKeyRepository(db));
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var proxy in options.KnownProxies)
                o.KnownProxies.Add(proxy);
        });

        // The application layer: one use-case class per service, called by the gRPC services and the web screens alike.
        services.AddSingleton<MembershipUseCases>();
        services.AddSingleton<AssemblyUseCases>();
        services.AddSingleton<AccreditationUseCases>();
        services.AddSingleton<AuthUseCases>();
        services.AddSingleton<AuditUseCases>();
        services.AddSingleton<AgendaUseCases>();
        services.AddSingleton<VotingUseCases>();
        services.AddSingleton<FloorUseCases>();
        services.AddSingleton<DisplayUseCases>();
        services.AddSingleton<MotionUseCases>();
        services.AddSingleton<LogisticsUseCases>();
        services.AddSingleton<NotificationUseCases>();
        services.AddSingleton<DocumentUseCases>();
        services.AddSingleton<DocumentSources>();
        services.AddSingleton(DocumentOptions.From(builder.Configuration));
        services.AddTransient<DocumentJob>();
        services.AddTransient<PassportRetentionJob>();
        services.AddHostedService<RecurringJobs>();
        services.AddSingleton<ParticipantRoles>();

        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
            o.MaxSendMessageSize = 4 * 1024 * 1024;   // what grpc-js and other clients accept by default
            o.Interceptors.Add<DomainStatusInterceptor>();
        });
        services.AddSingleton<DomainStatusInterceptor>();
        services.AddGrpcReflection();
        // Each request is authenticated once, by the scheme its kind needs: a page never pays for a token check, nor a
        // gRPC call for the cookie's decryption.
        services.AddAuthentication(BearerAuthentication.ByRequest)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(BearerAuthentication.Scheme, null)
            .AddPolicyScheme(BearerAuthentication.ByRequest, null, o => o.ForwardDefaultSelector = http =>
                BearerAuthentication.IsGrpc(http.Request) ? BearerAuthentication.Scheme : CookieAuthenticationDefaults.AuthenticationScheme);
        // The gRPC services hold no per-call state: one instance each instead of one per call.
        services.AddSingleton<MembershipGrpcService>();
        services.AddSingleton<AssemblyGrpcService>();
        services.AddSingleton<AccreditationGrpcService>();
        services.AddSingleton<AuthGrpcService>();
        services.AddSingleton<AuditGrpcService>();
        services.AddSingleton<AgendaGrpcService>();
        services.AddSingleton<VotingGrpcService>();
        services.AddSingleton<LogisticsGrpcService>();
        services.AddSingleton<NotificationGrpcService>();
        services.AddSingleton<DocumentGrpcService>();

        // /healthz and grpc.health.v1.Health report the same checks.
        services.AddGrpcHealthChecks().AddCheck<StorageHealthCheck>("storage");
        services.AddWebUi();
        return builder;
    }

    /// <summary>
    /// Applies the schema; on PostgreSQL clears dead nodes' leftovers from the cluster's membership; then lays out
    /// the pipeline and starts: the silo, the start-up work (<see cref="StartupWork"/>), the jobs, then the listeners.
    /// </summary>
    public static async Task StartWeGoAssemblyAsync(this WebApplication app)
    {
        await app.Services.ApplyStorageSchemaAsync();
        if (app.Services.GetService<Npgsql.NpgsqlDataSource>() is { } database)
            await ClusterLeftovers.RetireAsync(database, app.Services.GetRequiredService<ClusterNodeOptions>(), app.Logger, app.Lifetime.ApplicationStopping);

        // The pipeline: the caller's address and the public scheme and host from nginx, gRPC-Web translated to gRPC,
        // then who is calling, then the endpoints of both ports.
        app.UseForwardedHeaders();
        app.UseStatusPages();
        app.UseRouting();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.UseUnknownRpcAnswer();
        app.UseCallerCheckFailureAnswer();
        app.UseWebUi();
        app.MapGrpcService<MembershipGrpcService>();
        app.MapGrpcService<AssemblyGrpcService>();
        app.MapGrpcService<AccreditationGrpcService>();
        app.MapGrpcService<AuthGrpcService>();
        app.MapGrpcService<AuditGrpcService>();
        app.MapGrpcService<AgendaGrpcService>();
        app.MapGrpcService<VotingGrpcService>();
        app.MapGrpcService<FloorGrpcService>();
        app.MapGrpcService<DisplayGrpcService>();
        app.MapGrpcService<MotionGrpcService>();
        app.MapGrpcService<LogisticsGrpcService>();
        app.MapGrpcService<NotificationGrpcService>();
        app.MapGrpcService<DocumentGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapHealthChecks("/healthz");
        app.MapMinutes();
        app.MapJobsDashboard();
        app.MapClusterDashboard();
        app.MapWebUi();
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
