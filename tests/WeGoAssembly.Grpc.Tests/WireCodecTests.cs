using System.IO.Pipelines;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using WeGoAssembly.Grpc.Tests.Protos;

namespace WeGoAssembly.Grpc.Tests;

/// <summary>The framing and header codecs on their own, where partial reads can be staged exactly.</summary>
public sealed class WireCodecTests
{
    [Fact]
    public async Task Frame_reader_waits_for_the_rest_of_a_frame_split_across_reads()
    {
        var pipe = new Pipe();
        var frame = RawCall.Frame(new EchoRequest { Text = "split" });

        await pipe.Writer.WriteAsync(frame.AsMemory(0, 3));
        var read = Framing.ReadMessageAsync(pipe.Reader, EchoRequest.Parser, 1024, "request", default).AsTask();
        Assert.False(read.IsCompleted, "a partial header is not a message");
        await pipe.Writer.WriteAsync(frame.AsMemory(3, 4));
        Assert.False(read.IsCompleted, "a header without its body is not a message");
        await pipe.Writer.WriteAsync(frame.AsMemory(7));

        Assert.Equal("split", (await read)!.Text);
    }

    [Fact]
    public async Task Frame_reader_returns_null_at_a_clean_end_of_stream()
    {
        var pipe = new Pipe();
        await pipe.Writer.CompleteAsync();

        Assert.Null(await Framing.ReadMessageAsync(pipe.Reader, EchoRequest.Parser, 1024, "request", default));
    }

    [Fact]
    public void String_check_finds_invalid_UTF8_in_a_nested_repeated_message_and_passes_valid_text()
    {
        // Api (a well-known type) holds repeated Method messages, each with a string name.
        var api = new Api { Name = "회의 API", Methods = { new Method { Name = "Vote" }, new Method { Name = "Xclose" } } };
        var bytes = api.ToByteArray();
        var broken = (byte[])bytes.Clone();
        broken[Array.IndexOf(broken, (byte)'X')] = 0xFF;

        Assert.Null(StringFieldCheck.FindInvalid(Api.Descriptor, bytes));
        Assert.Equal("methods.name", StringFieldCheck.FindInvalid(Api.Descriptor, broken));
        Assert.False(StringFieldCheck.ContainsStrings(Duration.Descriptor));
    }

    [Theory]
    [InlineData("100m", 100 * TimeSpan.TicksPerMillisecond)]
    [InlineData("5S", 5 * TimeSpan.TicksPerSecond)]
    [InlineData("2M", 2 * TimeSpan.TicksPerMinute)]
    [InlineData("1H", TimeSpan.TicksPerHour)]
    [InlineData("250u", 250 * TimeSpan.TicksPerMicrosecond)]
    [InlineData("1000n", 10)]
    [InlineData("99999999S", 99_999_999 * TimeSpan.TicksPerSecond)]
    public void Grpc_timeout_parses_every_unit(string value, long ticks)
    {
        Assert.True(WireHeaders.TryParseTimeout(value, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("100")]
    [InlineData("100x")]
    [InlineData("-5S")]
    [InlineData("123456789m")]
    public void Grpc_timeout_rejects_malformed_values(string value) => Assert.False(WireHeaders.TryParseTimeout(value, out _));

    [Theory]
    [InlineData(1, "1u")]
    [InlineData(200 * TimeSpan.TicksPerMillisecond, "200000u")]
    [InlineData(3 * TimeSpan.TicksPerHour, "10800000m")]
    [InlineData(40 * TimeSpan.TicksPerDay, "3456000S")]
    public void Grpc_timeout_is_formatted_in_the_finest_unit_that_fits_eight_digits(long ticks, string expected) =>
        Assert.Equal(expected, WireHeaders.FormatTimeout(TimeSpan.FromTicks(ticks)));

    [Theory]
    [InlineData("plain text stays: as is", "plain text stays: as is")]
    [InlineData("100%", "100%25")]
    [InlineData("서울", "%EC%84%9C%EC%9A%B8")]
    [InlineData("tab\there", "tab%09here")]
    public void Grpc_message_encoding_escapes_only_non_printable_ascii_and_percent(string message, string encoded)
    {
        Assert.Equal(encoded, WireHeaders.EncodeMessage(message));
        Assert.Equal(message, WireHeaders.DecodeMessage(encoded));
    }

    [Fact]
    public void Grpc_message_decoding_keeps_a_stray_percent() => Assert.Equal("50%z", WireHeaders.DecodeMessage("50%z"));
}
