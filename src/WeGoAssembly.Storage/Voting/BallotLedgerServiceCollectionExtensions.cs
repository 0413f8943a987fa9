using Microsoft.Extensions.DependencyInjection;
using WeGoAssembly.Contracts.Voting;

namespace WeGoAssembly.Storage.Voting;

/// <summary>Registers the vote ledger on the storage database (call after AddSqliteStorage or AddPostgresStorage).</summary>
public static class BallotLedgerServiceCollectionExtensions
{
    public static IServiceCollection AddBallotLedger(this IServiceCollection services)
    {
        services.AddSingleton<BallotLedger>(sp => sp.GetRequiredService<IDbConnectionFactory>().Info.Provider == StorageProvider.Postgres
            ? ActivatorUtilities.CreateInstance<PostgresBallotLedger>(sp)
            : ActivatorUtilities.CreateInstance<SqliteBallotLedger>(sp));
        services.AddSingleton<IBallotLedger>(sp => sp.GetRequiredService<BallotLedger>());
        return services;
    }
}
