namespace WeGoAssembly.Grpc;

/// <summary>Limits and hooks of the gRPC wire layer, set through <c>AddGrpcWire(options => ...)</c>.</summary>
public sealed class GrpcWireOptions
{
    /// <summary>Largest request message accepted; a frame declaring more fails with RESOURCE_EXHAUSTED before its body is read.</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message sent; the same 4 MiB that grpc-js and other clients accept by default.</summary>
    public int MaxSendMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Serve gRPC-Web (binary and text) from the same middleware, over HTTP/1.1 and HTTP/2.</summary>
    public bool EnableGrpcWeb { get; set; } = true;

    /// <summary>
    /// Map handler exceptions to statuses, tried in order after <see cref="RpcException"/> and cancellation; the first
    /// non-null wins. Unmapped exceptions become UNKNOWN and are logged, never sent to the client.
    /// </summary>
    public List<Func<Exception, Status?>> ExceptionMappers { get; } = [];
}
