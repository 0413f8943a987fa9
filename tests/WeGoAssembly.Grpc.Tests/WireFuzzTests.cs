using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Google.Protobuf;
using WeGoAssembly.Grpc.Tests.Protos;
using Xunit.Abstractions;

namespace WeGoAssembly.Grpc.Tests;

/// <summary>
/// Thousands of malformed and randomly mutated requests against the real Kestrel socket, each under a timeout:
/// every one must get a clean gRPC status or a clean HTTP client error, the server must serve a valid call right
/// after each, and its managed memory must stay bounded. The seed is printed; WEGO_FUZZ_SEED replays a run.
/// </summary>
[Collection(GrpcServerCollection.Name)]
public sealed class WireFuzzTests(GrpcServerFixture server, ITestOutputHelper output)
{
    private const string Echo = "/wego.grpc.test.v1.EchoService/Echo";
    private const int MaxReceive = 4 * 1024 * 1024;   // the wire layer's default, which the fixture keeps
    private const int MutatedCases = 2000;

    // Generous for a loaded 2-core machine: a clean answer takes milliseconds, a hang would take forever.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(20);

    // After a full collection the server's managed heap may hold pooled buffers and caches, but not what the cases sent.
    private const long HeapGrowthBound = 32 * 1024 * 1024;

    private static readonly StatusCode[] Refused = [StatusCode.Internal, StatusCode.ResourceExhausted, StatusCode.Unimplemented];

    [Fact]
    public async Task Malformed_and_mutated_requests_get_clean_answers_and_the_server_keeps_serving_in_bounded_memory()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WEGO_FUZZ_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        output.WriteLine($"seed {seed} (WEGO_FUZZ_SEED={seed} replays this run)");

        // Generated up front from one Random, so the seed alone fixes every case whatever order they run in.
        var cases = Cases(new Random(seed)).ToList();
        using var http11 = new HttpClient { Timeout = CallTimeout };
        await AssertServesAsync("warm-up");
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetBefore = Environment.WorkingSet;

        var failures = new ConcurrentQueue<string>();
        var started = DateTime.UtcNow;
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (fuzz, _) =>
        {
            var outcome = await RunAsync(fuzz, http11);
            if (!fuzz.Accepts(outcome))
            {
                failures.Enqueue($"{fuzz.Kind} ({fuzz.Description}): got {outcome}");
            }

            try
            {
                await AssertServesAsync(fuzz.Description);
            }
            catch (Exception ex)
            {
                failures.Enqueue($"no valid call served after {fuzz.Kind} ({fuzz.Description}): {ex.Message}");
            }
        });
        var elapsed = DateTime.UtcNow - started;

        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetAfter = Environment.WorkingSet;
        GC.KeepAlive(cases);
        output.WriteLine($"{cases.Count} cases (each followed by a valid call) in {elapsed.TotalSeconds:F1} s:");
        foreach (var kind in cases.GroupBy(c => c.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {kind.Count(),5}  {kind.Key}");
        }

        output.WriteLine($"managed heap {heapBefore / 1024 / 1024} MiB -> {heapAfter / 1024 / 1024} MiB (bound: +{HeapGrowthBound / 1024 / 1024} MiB); " +
            $"working set {workingSetBefore / 1024 / 1024} MiB -> {workingSetAfter / 1024 / 1024} MiB");
        Assert.True(failures.IsEmpty, $"{failures.Count} cases failed (seed {seed}):\n" + string.Join("\n", failures.Take(20)));
        Assert.True(heapAfter - heapBefore < HeapGrowthBound, $"The managed heap grew by {(heapAfter - heapBefore) / 1024 / 1024} MiB.");
        await AssertServesAsync("the end of the run");
    }

    /// <summary>A valid call with text only it uses must come back intact.</summary>
    private async Task AssertServesAsync(string after)
    {
        var text = "still serving after " + after;
        using var timeout = new CancellationTokenSource(CallTimeout);
        var response = await RawCall.SendAsync(server.H2c, Echo, RawCall.Frame(new EchoRequest { Text = text }), cancellationToken: timeout.Token);
        if (response.GrpcStatus != StatusCode.OK || !response.Body.AsSpan().SequenceEqual(RawCall.Frame(new EchoReply { Text = text })))
        {
            throw new InvalidOperationException($"the valid call got {response.GrpcStatus} \"{response.GrpcMessage}\"");
        }
    }

    private async Task<Outcome> RunAsync(FuzzCase fuzz, HttpClient http11)
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        try
        {
            var response = fuzz.Transport switch
            {
                Transport.H2c => await RawCall.SendAsync(server.H2c, Echo, fuzz.Body, fuzz.ContentType, fuzz.Configure, cancellationToken: timeout.Token),
                Transport.Http11OverTls => await RawCall.SendAsync(
                    server.Tls, Echo, fuzz.Body, fuzz.ContentType, fuzz.Configure, version: HttpVersion.Version11, cancellationToken: timeout.Token),
                _ => await RawCall.SendAsync(
                    http11, new Uri(server.H2cAddress, Echo).ToString(), fuzz.Body, fuzz.ContentType, fuzz.Configure, version: HttpVersion.Version11, cancellationToken: timeout.Token),
            };
            var status = response.Trailers.GetValueOrDefault("grpc-status") ?? response.Headers.GetValueOrDefault("grpc-status");
            return new Outcome(response.HttpStatus, status is null ? null : (StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), response.GrpcMessage);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new Outcome(null, null, $"no answer within {CallTimeout.TotalSeconds} s");
        }
        catch (HttpRequestException ex)
        {
            return new Outcome(null, null, $"{ex.GetType().Name}: {ex.Message} {ex.InnerException?.Message}");
        }
    }

    private static IEnumerable<FuzzCase> Cases(Random random)
    {
        for (var i = 0; i < 200; i++)
        {
            var declared = (uint)random.NextInt64(MaxReceive + 1L, uint.MaxValue + 1L);
            yield return Grpc("huge declared length", $"declares {declared}", RawCall.Frame(0, Payload(random), declared), StatusCode.ResourceExhausted);
        }

        for (var i = 0; i < 200; i++)
        {
            var payload = Payload(random);
            var declared = (uint)random.Next(payload.Length + 1, MaxReceive + 1);
            yield return Grpc("declared length beyond the body", $"{payload.Length} bytes, declares {declared}", RawCall.Frame(0, payload, declared), StatusCode.Internal);
        }

        for (var i = 0; i < 200; i++)
        {
            // The rest of the payload then reads as a second frame: a bad flag, an incomplete or oversized frame, or one message too many.
            var payload = Payload(random, minimum: 2);
            var declared = (uint)random.Next(0, payload.Length);
            yield return Grpc("declared length short of the body", $"{payload.Length} bytes, declares {declared}", RawCall.Frame(0, payload, declared), Refused);
        }

        for (var i = 0; i < 200; i++)
        {
            var frame = RawCall.Frame(0, Payload(random));
            var cut = random.Next(1, frame.Length);
            yield return Grpc("truncated frame", $"{cut} of {frame.Length} bytes", frame[..cut], StatusCode.Internal);
        }

        for (var flags = 1; flags <= byte.MaxValue; flags++)
        {
            yield return Grpc("bad compression flag", $"flags 0x{flags:X2}", RawCall.Frame((byte)flags, Payload(random)), StatusCode.Internal);
        }

        yield return Grpc("bad compression flag", "flag 1 with grpc-encoding gzip", RawCall.Frame(1, Payload(random)), StatusCode.Unimplemented,
            configure: r => r.Headers.Add("grpc-encoding", "gzip"));

        foreach (var (name, bytes) in InvalidProtobuf)
        {
            yield return Grpc("invalid protobuf", name, RawCall.Frame(0, bytes), StatusCode.Internal);
        }

        for (var i = 0; i < 200; i++)
        {
            // Random bytes are often a valid message with unknown fields; either they parse or they are refused cleanly.
            var bytes = new byte[random.Next(1, 64)];
            random.NextBytes(bytes);
            yield return Grpc("random bytes as protobuf", Convert.ToHexString(bytes), RawCall.Frame(0, bytes), StatusCode.OK, StatusCode.Internal);
        }

        for (var i = 0; i < 100; i++)
        {
            var invalid = InvalidUtf8[random.Next(InvalidUtf8.Length)];
            var text = (byte[])[.. Encoding.UTF8.GetBytes(Text(random)), .. invalid, .. Encoding.UTF8.GetBytes(Text(random))];
            var field = random.Next(2) == 0 ? 0x0A : 0x12;   // text or header_name
            yield return Grpc("invalid UTF-8 in a string field", Convert.ToHexString(invalid), RawCall.Frame(0, [(byte)field, (byte)text.Length, .. text]), StatusCode.Internal);
        }

        for (var i = 0; i < 4; i++)
        {
            var size = MaxReceive + random.Next(1, 1024 * 1024);
            yield return Grpc("oversized message", $"{size} bytes", RawCall.Frame(new EchoRequest { Text = new string('x', size) }), StatusCode.ResourceExhausted);
        }

        for (var i = 0; i < 20; i++)
        {
            // Kestrel and our layer do not insist on te: trailers; the call is answered as usual.
            yield return Grpc("missing te", "no te header", ValidFrame(random), StatusCode.OK, configure: r => r.Headers.Remove("te"));
        }

        for (var i = 0; i < 20; i++)
        {
            yield return new FuzzCase("missing content-type", "no content-type", ValidFrame(random), Transport.H2c, null, null,
                o => o is { Http: HttpStatusCode.OK, Grpc: null });   // not gRPC: the next middleware answers
        }

        foreach (var contentType in WrongContentTypes)
        {
            yield return new FuzzCase("wrong content-type", contentType, ValidFrame(random), Transport.H2c, contentType, null,
                o => o is { Http: HttpStatusCode.UnsupportedMediaType or HttpStatusCode.OK, Grpc: null });
        }

        for (var i = 0; i < 20; i++)
        {
            yield return new FuzzCase("HTTP/1.1", "over TLS", ValidFrame(random), Transport.Http11OverTls, "application/grpc", null,
                o => o is { Http: HttpStatusCode.UpgradeRequired, Grpc: null });
        }

        for (var i = 0; i < 5; i++)
        {
            yield return new FuzzCase("HTTP/1.1", "to the HTTP/2-only port", ValidFrame(random), Transport.Http11ToH2c, "application/grpc", null,
                o => o is { Http: HttpStatusCode.BadRequest, Grpc: null });
        }

        for (var i = 0; i < MutatedCases; i++)
        {
            yield return Mutated(random);
        }
    }

    /// <summary>A valid request, then a few random byte edits, and sometimes odd headers.</summary>
    private static FuzzCase Mutated(Random random)
    {
        var body = new List<byte>(ValidFrame(random));
        var edits = new List<string>();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var at = random.Next(body.Count);
            switch (random.Next(6))
            {
                case 0:
                    body[at] ^= (byte)(1 << random.Next(8));
                    edits.Add($"flip bit at {at}");
                    break;
                case 1:
                    body[at] = (byte)random.Next(256);
                    edits.Add($"set byte {at}");
                    break;
                case 2:
                    var inserted = new byte[random.Next(1, 16)];
                    random.NextBytes(inserted);
                    body.InsertRange(at, inserted);
                    edits.Add($"insert {inserted.Length} at {at}");
                    break;
                case 3:
                    var count = Math.Min(random.Next(1, 16), body.Count - at);
                    body.RemoveRange(at, count);
                    edits.Add($"delete {count} at {at}");
                    break;
                case 4:
                    body.RemoveRange(at, body.Count - at);
                    edits.Add($"truncate at {at}");
                    break;
                default:
                    body.AddRange(ValidFrame(random));
                    edits.Add("append a second frame");
                    break;
            }

            if (body.Count == 0)
            {
                break;
            }
        }

        var headers = new List<(string Name, string Value)>();
        var contentType = "application/grpc";
        var dropTe = false;
        if (random.Next(4) == 0)
        {
            switch (random.Next(4))
            {
                case 0:
                    headers.Add(("grpc-timeout", random.Next(3) == 0 ? Text(random) : $"{random.Next(1, 100_000_000)}{"HMSmun"[random.Next(6)]}"));
                    break;
                case 1:
                    headers.Add(("grpc-encoding", random.Next(2) == 0 ? "identity" : Text(random)));
                    break;
                case 2:
                    contentType = random.Next(2) == 0 ? "application/grpc+proto" : "application/grpc; charset=" + Text(random);
                    break;
                default:
                    dropTe = true;
                    break;
            }
        }

        var description = string.Join(", ", edits) + string.Concat(headers.Select(h => $"; {h.Name}: {h.Value}")) + $"; content-type {contentType}" + (dropTe ? "; no te" : "");
        return new FuzzCase("randomly mutated valid request", description, [.. body], Transport.H2c, contentType,
            request =>
            {
                foreach (var (name, value) in headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                if (dropTe)
                {
                    request.Headers.Remove("te");
                }
            },
            // A deadline of a few nanoseconds may pass before the handler runs.
            o => o.Http == HttpStatusCode.OK && o.Grpc is StatusCode.OK or StatusCode.Internal or StatusCode.ResourceExhausted or StatusCode.Unimplemented or StatusCode.DeadlineExceeded);
    }

    private static FuzzCase Grpc(string kind, string description, byte[] body, params StatusCode[] expected) =>
        Grpc(kind, description, body, expected, configure: null);

    private static FuzzCase Grpc(string kind, string description, byte[] body, StatusCode expected, Action<HttpRequestMessage>? configure) =>
        Grpc(kind, description, body, [expected], configure);

    private static FuzzCase Grpc(string kind, string description, byte[] body, StatusCode[] expected, Action<HttpRequestMessage>? configure) =>
        new(kind, description, body, Transport.H2c, "application/grpc", configure,
            o => o.Http == HttpStatusCode.OK && o.Grpc is { } status && expected.Contains(status));

    private static byte[] ValidFrame(Random random) =>
        RawCall.Frame(new EchoRequest { Text = Text(random), HeaderName = random.Next(4) == 0 ? "user-agent" : "" });

    private static byte[] Payload(Random random, int minimum = 0) =>
        new EchoRequest { Text = Text(random, minimum) }.ToByteArray();

    private static string Text(Random random, int minimum = 0) =>
        new([.. Enumerable.Range(0, random.Next(minimum, 40)).Select(_ => (char)random.Next(0x21, 0x7F))]);

    private static readonly (string Name, byte[] Bytes)[] InvalidProtobuf =
    [
        ("length beyond the message", [0x0A, 0xFF, 0xFF]),
        ("length of a string past the end", [0x0A, 0x05, 0x41]),
        ("varint of eleven bytes", [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ("field number 0", [0x00, 0x01]),
        ("wire type 6", [0x0E, 0x01]),
        ("wire type 7", [0x0F, 0x01]),
        ("end group without a start", [0x0C]),
        ("start group never ended", [0x0B, 0x08, 0x01]),
        ("fixed64 cut short", [0x09, 0x01, 0x02]),
        ("fixed32 cut short", [0x0D, 0x01]),
        ("negative length", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        ("tag varint cut short", [0x80]),
    ];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xC0, 0x80], [0xC3, 0x28], [0xE2, 0x28, 0xA1], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xF0, 0x9F, 0x98],
    ];

    private static readonly string[] WrongContentTypes =
    [
        "application/json", "text/plain", "application/octet-stream", "application/grpc+json", "application/grpcx", "application/grpc-webx",
        "application/grpc-web+json", "multipart/form-data; boundary=x", "application/grpc+thrift",
    ];

    private enum Transport { H2c, Http11OverTls, Http11ToH2c }

    /// <summary>What came back: an HTTP status (null when the call threw or hung), the gRPC status if any, and a detail.</summary>
    private sealed record Outcome(HttpStatusCode? Http, StatusCode? Grpc, string Detail)
    {
        public override string ToString() => $"HTTP {(Http is { } http ? (int)http : "none")}, grpc-status {Grpc?.ToString() ?? "none"}: {Detail}";
    }

    private sealed record FuzzCase(
        string Kind, string Description, byte[] Body, Transport Transport, string? ContentType, Action<HttpRequestMessage>? Configure, Func<Outcome, bool> Accepts);
}
