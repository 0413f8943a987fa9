using Microsoft.Extensions.Diagnostics.HealthChecks;
using WeGoAssembly.Storage;

namespace WeGoAssembly.Server.Hosting;

/// <summary>Healthy when the database answers a trivial query; the body names the store, never its password.</summary>
public sealed class StorageHealthCheck(IDbConnectionFactory connections) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy(connections.Info.ToString());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{connections.Info} does not answer: {e.Message}");
        }
    }
}
