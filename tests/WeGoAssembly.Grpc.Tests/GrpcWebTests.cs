using System.Buffers.Binary;
using System.Net;
using System.Text;
using Google.Protobuf;
using WeGoAssembly.Grpc.Tests.Protos;

namespace WeGoAssembly.Grpc.Tests;

/// <summary>gRPC-Web as browsers send it (PROTOCOL-WEB.md): binary and base64 text, over HTTP/1.1 and HTTP/2.</summary>
[Collection(GrpcServerCollection.Name)]
public sealed class GrpcWebTests(GrpcServerFixture server)
{
    private const string Echo = "/wego.grpc.test.v1.EchoService/Echo";
    private const string Count = "/wego.grpc.test.v1.EchoService/Count";

    [Fact]
    public async Task Binary_grpc_web_over_http_1_1_returns_the_message_then_a_trailer_frame()
    {
        var response = await RawCall.SendAsync(
            server.Tls, Echo, RawCall.Frame(new EchoRequest { Text = "hi" }), "application/grpc-web+proto", version: HttpVersion.Version11);

        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Equal("application/grpc-web+proto", response.Headers["content-type"]);
        var frames = ParseFrames(response.Body);
        Assert.Equal(2, frames.Count);
        Assert.Equal(0, frames[0].Flags);
        Assert.Equal("hi", EchoReply.Parser.ParseFrom(frames[0].Payload).Text);
        Assert.Equal(0x80, frames[1].Flags);
        Assert.Equal("grpc-status:0\r\n", Encoding.ASCII.GetString(frames[1].Payload));
    }

    [Fact]
    public async Task Text_grpc_web_decodes_separately_padded_chunks_and_answers_in_base64()
    {
        var frame = RawCall.Frame(new EchoRequest { Text = "안녕" });
        var body = Convert.ToBase64String(frame[..5]) + Convert.ToBase64String(frame[5..]);

        var response = await RawCall.SendAsync(
            server.Tls, Echo, Encoding.ASCII.GetBytes(body), "application/grpc-web-text", version: HttpVersion.Version11);

        Assert.Equal("application/grpc-web-text", response.Headers["content-type"]);
        var frames = ParseFrames(DecodeChunkedBase64(Encoding.ASCII.GetString(response.Body)));
        Assert.Equal("안녕", EchoReply.Parser.ParseFrom(frames[0].Payload).Text);
        Assert.Equal("grpc-status:0\r\n", Encoding.ASCII.GetString(frames[1].Payload));
    }

    [Fact]
    public async Task Grpc_web_over_http2_streams_messages_then_an_error_in_the_trailer_frame()
    {
        var response = await RawCall.SendAsync(
            server.H2c, Count, RawCall.Frame(new CountRequest { Count = 5, FailAfter = 2 }), "application/grpc-web");

        var frames = ParseFrames(response.Body);
        Assert.Equal([1, 2], frames.Where(f => f.Flags == 0).Select(f => CountReply.Parser.ParseFrom(f.Payload).Number));
        Assert.Equal("grpc-status:9\r\ngrpc-message:stopped after 2\r\n", Encoding.ASCII.GetString(frames[^1].Payload));
        Assert.Equal(0x80, frames[^1].Flags);
    }

    [Fact]
    public async Task Grpc_web_failure_before_any_message_sends_the_status_in_the_headers()
    {
        var response = await RawCall.SendAsync(
            server.Tls, "/wego.grpc.test.v1.EchoService/Shout", RawCall.Frame(new EchoRequest()), "application/grpc-web", version: HttpVersion.Version11);

        Assert.True(response.IsTrailersOnly);
        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
    }

    [Fact]
    public async Task Text_grpc_web_with_invalid_base64_is_INTERNAL()
    {
        var response = await RawCall.SendAsync(
            server.Tls, Echo, Encoding.ASCII.GetBytes("!!!!AAAA"), "application/grpc-web-text+proto", version: HttpVersion.Version11);

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("base64", response.GrpcMessage);
    }

    private static List<(byte Flags, byte[] Payload)> ParseFrames(byte[] body)
    {
        var frames = new List<(byte, byte[])>();
        for (var offset = 0; offset < body.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            frames.Add((body[offset], body.AsSpan(offset + 5, length).ToArray()));
            offset += 5 + length;
        }

        return frames;
    }

    /// <summary>Each frame comes as its own padded base64 chunk, so decode chunk by chunk, cutting after each padded group.</summary>
    private static byte[] DecodeChunkedBase64(string text)
    {
        var bytes = new List<byte>();
        while (text.Length > 0)
        {
            var padding = text.IndexOf('=', StringComparison.Ordinal);
            var take = padding < 0 ? text.Length : ((padding / 4) + 1) * 4;
            bytes.AddRange(Convert.FromBase64String(text[..take]));
            text = text[take..];
        }

        return [.. bytes];
    }
}
