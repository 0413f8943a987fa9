using System.Data.Common;
using Npgsql;

namespace WeGoAssembly.Storage;

/// <summary>Tells "the database cannot be reached now" apart from "the database refused this request".</summary>
public static class StorageUnavailable
{
    /// <summary>
    /// True when <paramref name="exception"/> (or an exception inside it) says the database is down, shutting
    /// down, starting up or unreachable: the same request can succeed once it is back.
    /// </summary>
    public static bool Is(Exception? exception) => exception switch
    {
        null => false,
        // Connection failures (class 08), shutdown and start-up (57P01 admin_shutdown, 57P02 crash_shutdown,
        // 57P03 cannot_connect_now), out of resources (class 53). Other server errors are about the request.
        PostgresException e => e.SqlState.StartsWith("08", StringComparison.Ordinal) || e.SqlState.StartsWith("53", StringComparison.Ordinal)
            || e.SqlState is "57P01" or "57P02" or "57P03",
        // Npgsql's own: a socket, I/O or timeout failure talking to the server.
        NpgsqlException { IsTransient: true } => true,
        DbException => false,
        _ => Is(exception.InnerException),
    };
}
