namespace WeGoAssembly.Grpc;

/// <summary>The canonical gRPC status codes (grpc/doc/statuscodes.md), with their wire numbers.</summary>
public enum StatusCode
{
    OK = 0,
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}

/// <summary>The outcome of a call: a code and a message a person can act on (sent as grpc-status / grpc-message).</summary>
public readonly record struct Status(StatusCode StatusCode, string Detail)
{
    /// <summary>The status of a call that succeeded.</summary>
    public static Status Ok => new(StatusCode.OK, "");
}

/// <summary>A call that ended with a non-OK status: thrown by handlers to choose the status, and by <see cref="GrpcClient"/>.</summary>
public class RpcException : Exception
{
    private static readonly IReadOnlyDictionary<string, string> NoTrailers = new Dictionary<string, string>();

    public RpcException(Status status)
        : this(status, NoTrailers)
    {
    }

    public RpcException(StatusCode code, string detail)
        : this(new Status(code, detail))
    {
    }

    /// <summary>Creates the exception a client raises, carrying the trailers the server sent with the status.</summary>
    public RpcException(Status status, IReadOnlyDictionary<string, string> trailers)
        : base($"Status(StatusCode=\"{status.StatusCode}\", Detail=\"{status.Detail}\")")
    {
        Status = status;
        Trailers = trailers;
    }

    public Status Status { get; }

    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>Trailers received with the status (client side; empty on the server).</summary>
    public IReadOnlyDictionary<string, string> Trailers { get; }
}
