using WeGoAssembly.Contracts;
using Grpc.Core;
using Orleans;
using Orleans.Storage;
using WeGoAssembly.Storage;

namespace WeGoAssembly.Server.Application;

/// <summary>The one place where domain and runtime failures become gRPC statuses.</summary>
public static class DomainStatus
{
    public static Status? Map(Exception exception) => exception switch
    {
        DomainException e => new Status(e.Kind switch
        {
            DomainErrorKind.Invalid => StatusCode.InvalidArgument,
            DomainErrorKind.NotFound => StatusCode.NotFound,
            DomainErrorKind.AlreadyExists => StatusCode.AlreadyExists,
            DomainErrorKind.StateConflict => StatusCode.FailedPrecondition,
            DomainErrorKind.Forbidden => StatusCode.PermissionDenied,
            _ => StatusCode.Unknown,
        }, e.Message),
        Contracts.Voting.LedgerUnavailableException e => new Status(StatusCode.Unavailable, e.Message),
        _ when StorageUnavailable.Is(exception) => new Status(StatusCode.Unavailable,
            "The database is not reachable, so the request could not be completed. Retry in a few seconds (a vote retried with " +
            "its idempotency key counts once); if this lasts, check that the database server is running and reachable."),
        // A node of the cluster died with the record's grain on it: another node takes the grain over within seconds.
        Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException or TimeoutException => new Status(StatusCode.Unavailable,
            "A node of the cluster stopped while it held this record; another node takes it over within seconds. Retry (a vote retried " +
            "with its idempotency key counts once)."),
        InconsistentStateException => new Status(StatusCode.Aborted,
            "The record was changed by another request while this one was applied; nothing was changed by this request. Read it again and retry."),
        _ => null,
    };
}
