namespace WeGoAssembly.Storage.Postgres;

/// <summary>The change outbox in PostgreSQL.</summary>
public sealed class PostgresChangeOutbox(PostgresConnectionFactory connections) : ChangeOutbox(connections)
{
    protected override object TimeValue(DateTimeOffset time) => time.ToUniversalTime();
}
