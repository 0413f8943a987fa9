using WeGoAssembly.Grpc;

namespace WeGoAssembly.Server.Api;

/// <summary>Who is calling, as recorded with each change.</summary>
public static class Caller
{
    // Sign-in and roles come with the accreditation work; until then every change is recorded as
    // made through the API by an unauthenticated caller, with the peer address for tracing.
    public static string Actor(ServerCallContext context) => $"anonymous@{context.Peer}";
}
