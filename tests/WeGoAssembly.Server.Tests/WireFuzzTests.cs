using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Testing;
using Xunit.Abstractions;

namespace WeGoAssembly.Server.Tests;

/// <summary>
/// Thousands of malformed and randomly mutated requests against the real host's h2c gRPC socket, each under a timeout
/// and each signed in (so that it gets past authentication to the reading of its message): every one must get a clean
/// gRPC status or a clean HTTP client error, the server must serve a valid call right after each, and its managed
/// memory must stay bounded; what it logs at Warning or above meanwhile must be only the framework's report of a
/// request it could not read. The seed is printed; WEGO_FUZZ_SEED replays a run.
/// </summary>
[Collection(Alone)]
public sealed class WireFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>
    /// The heap measure counts the whole test process, so the test runs with no other test beside it: with other
    /// classes running in parallel it once saw 38 MiB of their growth.
    /// </summary>
    public const string Alone = "Wire fuzz, alone for its heap measure";

    private const string GetMemberCity = "/wego.assembly.v1.MembershipService/GetMemberCity";
    private const int MaxReceive = 6 * 1024 * 1024;   // Grpc:MaxReceiveMessageSize, which the test host keeps at its default
    private const int MutatedCases = 2000;

    // Generous for a loaded 2-core machine: a clean answer takes milliseconds, a hang would take forever.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(20);

    // After a full collection the process's managed heap (test and server alike) may hold pooled buffers and caches,
    // but not what the cases sent.
    private const long HeapGrowthBound = 32 * 1024 * 1024;

    /// <summary>
    /// Grpc.AspNetCore's answer when reading the request throws something other than an RpcException: a message that is
    /// not protobuf, a compressed-flag byte other than 0 or 1, a declared length over 2^31-1, a body flagged gzip that is
    /// not gzip. The gRPC status table asks for INTERNAL ("error parsing request proto", "could not decompress") or
    /// RESOURCE_EXHAUSTED there; UNKNOWN is still a clean, final status, and with detailed errors off it must say
    /// nothing more than this. Counted and printed, so that the deviation stays visible.
    /// </summary>
    private const string HandlerException = "Exception was thrown by handler.";

    /// <summary>What the framework logs (Error, with the exception) for each request whose message it could not read.</summary>
    private const string ServerCallHandler = "Grpc.AspNetCore.Server.ServerCallHandler";

    private readonly TempSqliteFile file = new();
    private readonly CapturedLogs logs = new();
    private WeGoServer server = null!;
    private string token = null!;
    private HttpClient h2c = null!;

    public async Task InitializeAsync()
    {
        server = await WeGoServer.StartAsync(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file.Path },
            services => services.AddSingleton<ILoggerProvider>(logs));
        token = (await server.SecretariatAsync()).Session!.BearerToken;

        // HTTP/2 with prior knowledge, no fallback: what gRPC clients speak to the plaintext gRPC port.
        h2c = new HttpClient
        {
            BaseAddress = new Uri($"http://{server.GrpcTarget}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,   // each call has its own CallTimeout
        };
    }

    public async Task DisposeAsync()
    {
        h2c.Dispose();
        await server.DisposeAsync();
        file.Dispose();
    }

    [Fact]
    public async Task Malformed_and_mutated_requests_get_clean_answers_and_the_server_keeps_serving_in_bounded_memory()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WEGO_FUZZ_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        output.WriteLine($"seed {seed} (WEGO_FUZZ_SEED={seed} replays this run)");

        // Generated up front from one Random, so the seed alone fixes every case whatever order they run in.
        var cases = Cases(new Random(seed)).ToList();
        using var http11 = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        await AssertServesAsync("warm-up");
        logs.Entries.Clear();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetBefore = Environment.WorkingSet;

        var failures = new ConcurrentQueue<string>();
        var outcomes = new ConcurrentDictionary<string, int>();
        var started = DateTime.UtcNow;
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (fuzz, _) =>
        {
            var outcome = await RunAsync(fuzz, http11);
            outcomes.AddOrUpdate($"{fuzz.Kind}: {outcome.Summary} \"{outcome.Gist}\"", 1, (_, n) => n + 1);
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

        // What the logs said, reduced to counts and the few unexpected entries before the heap is measured: the
        // captured entries (about 1,400 exceptions with their stack traces) are the test's memory, not the server's.
        var loggedCount = logs.Entries.Count;
        var loggedKinds = logs.Entries
            .GroupBy(e => $"{e.Level} {e.Category}[{e.EventId}] {e.Exception?.GetType().FullName ?? "no exception"}")
            .Select(g => (Kind: g.Key, Count: g.Count()))
            .OrderBy(g => g.Kind, StringComparer.Ordinal)
            .ToList();
        var unexpected = logs.Entries.Where(e => !IsUnreadableRequest(e))
            .Select(e => $"{e.Level} {e.Category}[{e.EventId}]: {e.Message} {e.Exception}")
            .ToList();
        logs.Entries.Clear();

        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetAfter = Environment.WorkingSet;
        GC.KeepAlive(cases);
        output.WriteLine($"{cases.Count} cases (each followed by a valid call) in {elapsed.TotalSeconds:F1} s:");
        foreach (var kind in cases.GroupBy(c => c.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {kind.Count(),5}  {kind.Key}");
        }

        output.WriteLine("answers:");
        foreach (var (answer, count) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {count,5}  {answer}");
        }

        var unknown = outcomes.Where(o => o.Key.Contains("grpc-status Unknown", StringComparison.Ordinal)).Sum(o => o.Value);
        output.WriteLine($"{unknown} cases answered UNKNOWN \"{HandlerException}\" (Grpc.AspNetCore), where the gRPC status table asks for INTERNAL or RESOURCE_EXHAUSTED");
        output.WriteLine($"logged at Warning or above during the run: {loggedCount}");
        foreach (var (kind, count) in loggedKinds)
        {
            output.WriteLine($"  {count,5}  {kind}");
        }

        output.WriteLine($"managed heap {heapBefore / 1024 / 1024} MiB -> {heapAfter / 1024 / 1024} MiB (bound: +{HeapGrowthBound / 1024 / 1024} MiB); " +
            $"working set {workingSetBefore / 1024 / 1024} MiB -> {workingSetAfter / 1024 / 1024} MiB");
        Assert.True(failures.IsEmpty, $"{failures.Count} cases failed (seed {seed}):\n" + string.Join("\n", failures.Take(20)));
        Assert.True(unexpected.Count == 0, $"The server logged {unexpected.Count} unexpected problems:\n" +
            string.Join("\n", unexpected.Take(10)));
        Assert.True(heapAfter - heapBefore < HeapGrowthBound, $"The managed heap grew by {(heapAfter - heapBefore) / 1024 / 1024} MiB.");
        await AssertServesAsync("the end of the run");
    }

    /// <summary>
    /// Grpc.AspNetCore's error log for a request it could not read (ErrorExecutingServiceMethod, the exception behind an
    /// UNKNOWN answer): a message that is not protobuf, a bad compressed flag or gzip body, a length over 2^31-1.
    /// </summary>
    private static bool IsUnreadableRequest(LogEntry entry) =>
        entry is { Level: LogLevel.Error, Category: ServerCallHandler, EventId: 6 }
        && (entry.Exception is InvalidProtocolBufferException or InvalidDataException
            || (entry.Exception is IOException io && io.Message.StartsWith("Message too large: ", StringComparison.Ordinal)));

    /// <summary>A valid, signed-in GetMemberCity must come back OK with Seoul.</summary>
    private async Task AssertServesAsync(string after)
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        RawResponse response;
        try
        {
            response = await RawCall.SendAsync(h2c, GetMemberCity, RawCall.Frame(new GetMemberCityRequest { MemberCityId = "seoul" }),
                bearer: token, cancellationToken: timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new InvalidOperationException($"the valid call after {after} got no answer within {CallTimeout.TotalSeconds} s");
        }

        if (response.GrpcStatus != StatusCode.OK || response.Body.Length < 5
            || GetMemberCityResponse.Parser.ParseFrom(response.Body, 5, response.Body.Length - 5).MemberCity?.Id != "seoul")
        {
            throw new InvalidOperationException($"the valid call got HTTP {(int)response.HttpStatus}, {response.GrpcStatus} \"{response.GrpcMessage}\"");
        }
    }

    private async Task<Outcome> RunAsync(FuzzCase fuzz, HttpClient http11)
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        try
        {
            var response = fuzz.Transport switch
            {
                Transport.H2c => await RawCall.SendAsync(h2c, GetMemberCity, fuzz.Body, fuzz.ContentType, fuzz.Configure, token, cancellationToken: timeout.Token),
                Transport.Http11ToWeb => await RawCall.SendAsync(http11, new Uri(server.WebAddress, GetMemberCity).ToString(),
                    fuzz.Body, fuzz.ContentType, fuzz.Configure, token, HttpVersion.Version11, timeout.Token),
                _ => await RawCall.SendAsync(http11, $"http://{server.GrpcTarget}{GetMemberCity}",
                    fuzz.Body, fuzz.ContentType, fuzz.Configure, token, HttpVersion.Version11, timeout.Token),
            };

            // gRPC-Web (which the host serves on every port) sends its trailers as a last frame of the body.
            if (response.Headers.GetValueOrDefault("content-type")?.StartsWith("application/grpc-web", StringComparison.Ordinal) == true
                && GrpcWebTrailers(response.Body) is { } trailers
                && int.TryParse(trailers.GetValueOrDefault("grpc-status"), System.Globalization.CultureInfo.InvariantCulture, out var webStatus))
            {
                return new Outcome(response.HttpStatus, (StatusCode)webStatus, Uri.UnescapeDataString(trailers.GetValueOrDefault("grpc-message") ?? ""), response.Body);
            }

            return new Outcome(response.HttpStatus, response.GrpcStatus, Uri.UnescapeDataString(response.GrpcMessage), response.Body);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new Outcome(null, null, $"no answer within {CallTimeout.TotalSeconds} s", []);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            // A reset stream, a dropped connection: no answer at all, which no case accepts.
            return new Outcome(null, null, $"{ex.GetType().Name}: {ex.Message} {ex.InnerException?.Message}", []);
        }
    }

    private static IEnumerable<FuzzCase> Cases(Random random)
    {
        for (var i = 0; i < 200; i++)
        {
            // Over 2^31-1 Grpc.AspNetCore throws an IOException while decoding the length (UNKNOWN) instead of refusing the size.
            var declared = (uint)random.NextInt64(MaxReceive + 1L, uint.MaxValue + 1L);
            yield return declared <= int.MaxValue
                ? Grpc("huge declared length", $"declares {declared}", RawCall.Frame(0, Payload(random), declared), Status(StatusCode.ResourceExhausted, "exceeds the maximum"))
                : Grpc("huge declared length", $"declares {declared}", RawCall.Frame(0, Payload(random), declared), Status(StatusCode.ResourceExhausted, "exceeds the maximum"), FrameworkUnknown);
        }

        for (var i = 0; i < 200; i++)
        {
            var payload = Payload(random);
            var declared = (uint)random.Next(payload.Length + 1, MaxReceive + 1);
            yield return Grpc("declared length beyond the body", $"{payload.Length} bytes, declares {declared}", RawCall.Frame(0, payload, declared),
                Status(StatusCode.Internal, "Incomplete message."));
        }

        for (var i = 0; i < 200; i++)
        {
            // A unary call reads one message: the rest of the body is data after it (INTERNAL), unless the shortened
            // message does not parse first.
            var payload = Payload(random, minimum: 2);
            var declared = (uint)random.Next(0, payload.Length);
            yield return Grpc("declared length short of the body", $"{payload.Length} bytes, declares {declared}", RawCall.Frame(0, payload, declared),
                Status(StatusCode.Internal, "Additional data after the message received."), FrameworkUnknown);
        }

        for (var i = 0; i < 200; i++)
        {
            var frame = RawCall.Frame(0, Payload(random));
            var cut = random.Next(1, frame.Length);
            yield return Grpc("truncated frame", $"{cut} of {frame.Length} bytes", frame[..cut], Status(StatusCode.Internal, "Incomplete message."));
        }

        // A flag other than 0 or 1: Grpc.AspNetCore throws InvalidDataException while reading the header.
        for (var flags = 2; flags <= byte.MaxValue; flags++)
        {
            yield return Grpc("bad compression flag", $"flags 0x{flags:X2}", RawCall.Frame((byte)flags, Payload(random)), Status(StatusCode.Internal, ""), FrameworkUnknown);
        }

        yield return Grpc("bad compression flag", "flag 1 without grpc-encoding", RawCall.Frame(1, Payload(random)),
            Status(StatusCode.Internal, "did not include grpc-encoding"));
        yield return Grpc("bad compression flag", "flag 1 with grpc-encoding identity", RawCall.Frame(1, Payload(random)),
            [Status(StatusCode.Internal, "'identity' grpc-encoding")], r => r.Headers.Add("grpc-encoding", "identity"));
        yield return Grpc("bad compression flag", "flag 1 with grpc-encoding br (not supported)", RawCall.Frame(1, Payload(random)),
            [Status(StatusCode.Unimplemented, "Unsupported grpc-encoding value 'br'")], r => r.Headers.Add("grpc-encoding", "br"));
        // gzip is supported, so a body that is not gzip fails to decompress (INTERNAL by the status table; UNKNOWN here).
        // At least one byte: an empty body "decompresses" to an empty, valid message.
        yield return Grpc("bad compression flag", "flag 1 with grpc-encoding gzip, body not gzip", RawCall.Frame(1, Payload(random, minimum: 1)),
            [Status(StatusCode.Internal, ""), FrameworkUnknown], r => r.Headers.Add("grpc-encoding", "gzip"));
        yield return Grpc("gzip-compressed valid request", "flag 1 with grpc-encoding gzip", RawCall.Frame(1, Gzip(Seoul.ToByteArray())),
            [Status(StatusCode.OK, "")], r => r.Headers.Add("grpc-encoding", "gzip"));

        foreach (var (name, bytes) in InvalidProtobuf)
        {
            yield return Grpc("invalid protobuf", name, RawCall.Frame(0, bytes), Status(StatusCode.Internal, ""), FrameworkUnknown);
        }

        for (var i = 0; i < 200; i++)
        {
            // Random bytes are often a valid message with unknown fields or a member_city_id that is no id; either they
            // parse and GetMemberCity answers as it does for any id, or they are refused cleanly.
            var bytes = new byte[random.Next(1, 64)];
            random.NextBytes(bytes);
            yield return Grpc("random bytes as protobuf", Convert.ToHexString(bytes), RawCall.Frame(0, bytes),
                AnyCity, Status(StatusCode.NotFound, "No member city"), Status(StatusCode.InvalidArgument, "member_city_id"), FrameworkUnknown);
        }

        for (var i = 0; i < 100; i++)
        {
            var invalid = InvalidUtf8[random.Next(InvalidUtf8.Length)];
            var text = (byte[])[.. Encoding.UTF8.GetBytes(Text(random)), .. invalid, .. Encoding.UTF8.GetBytes(Text(random))];
            // Google.Protobuf 3.36 refuses the string while parsing (nothing is stored changed); the framework answers UNKNOWN.
            yield return Grpc("invalid UTF-8 in a string field", Convert.ToHexString(invalid), RawCall.Frame(0, [0x0A, (byte)text.Length, .. text]),
                FrameworkUnknown);
        }

        for (var i = 0; i < 10; i++)
        {
            // Well-formed UTF-8 holding U+FFFD: a string like any other, answered as for any id.
            var text = $"{Text(random)}\uFFFD{Text(random)}";
            yield return Grpc("U+FFFD in a string field", text, RawCall.Frame(new GetMemberCityRequest { MemberCityId = text }),
                Status(StatusCode.NotFound, "No member city"), Status(StatusCode.InvalidArgument, "member_city_id"));
        }

        for (var i = 0; i < 4; i++)
        {
            var size = MaxReceive + random.Next(1, 1024 * 1024);
            yield return Grpc("oversized message", $"{size} bytes", RawCall.Frame(new GetMemberCityRequest { MemberCityId = new string('x', size) }),
                Status(StatusCode.ResourceExhausted, "exceeds the maximum"));
        }

        for (var i = 0; i < 4; i++)
        {
            // Small on the wire, over the limit once decompressed: the limit is on the message, as grpc-go and grpc-java apply it.
            var size = MaxReceive + random.Next(1, 1024 * 1024);
            var compressed = Gzip(new GetMemberCityRequest { MemberCityId = new string('x', size) }.ToByteArray());
            yield return Grpc("oversized message, gzip-compressed", $"{size} bytes in {compressed.Length}", RawCall.Frame(1, compressed),
                [Status(StatusCode.ResourceExhausted, "exceeds the maximum")], r => r.Headers.Add("grpc-encoding", "gzip"));
        }

        for (var i = 0; i < 20; i++)
        {
            // Grpc.AspNetCore does not insist on te: trailers; the call is answered as usual.
            yield return Grpc("missing te", "no te header", ValidFrame(), [Status(StatusCode.OK, "")], r => r.Headers.Remove("te"));
        }

        for (var i = 0; i < 20; i++)
        {
            yield return new FuzzCase("missing content-type", "no content-type", ValidFrame(), Transport.H2c, null, null,
                o => o is { Http: HttpStatusCode.UnsupportedMediaType, Grpc: null or StatusCode.Internal } && o.Detail.Contains("Content-Type is missing", StringComparison.Ordinal));
        }

        foreach (var contentType in NotGrpc)
        {
            yield return new FuzzCase("wrong content-type", contentType, ValidFrame(), Transport.H2c, contentType, null,
                o => o is { Http: HttpStatusCode.UnsupportedMediaType, Grpc: null or StatusCode.Internal } && o.Detail.Contains("is not supported", StringComparison.Ordinal));
        }

        foreach (var contentType in GrpcWithAnotherCodec)
        {
            // The gRPC spec lets the content-type name a codec; Grpc.AspNetCore reads any application/grpc+x with the
            // method's own (protobuf) marshaller, so a protobuf body is answered as usual. A refusal would be as correct.
            yield return new FuzzCase("gRPC content-type naming another codec", contentType, ValidFrame(), Transport.H2c, contentType, null,
                o => (o is { Http: HttpStatusCode.OK, Grpc: StatusCode.OK } && IsSeoul(o.Body))
                    || o is { Http: HttpStatusCode.OK, Grpc: StatusCode.Unimplemented or StatusCode.Internal } or { Http: HttpStatusCode.UnsupportedMediaType });
        }

        foreach (var contentType in GrpcWeb)
        {
            // The host serves gRPC-Web on every port (HTTP/2 included); its status comes as the body's last frame.
            yield return new FuzzCase("gRPC-Web content-type", contentType, ValidFrame(), Transport.H2c, contentType, null,
                o => o is { Http: HttpStatusCode.OK, Grpc: StatusCode.OK } && IsSeoul(o.Body));
        }

        for (var i = 0; i < 20; i++)
        {
            // In place of the old TLS port: gRPC over HTTP/1.1 reaches the handler on the web port, which asks for HTTP/2.
            yield return new FuzzCase("HTTP/1.1", "application/grpc to the web port", ValidFrame(), Transport.Http11ToWeb, "application/grpc", null,
                o => o is { Http: HttpStatusCode.UpgradeRequired, Grpc: null or StatusCode.Internal });
        }

        for (var i = 0; i < 5; i++)
        {
            yield return new FuzzCase("HTTP/1.1", "to the HTTP/2-only port", ValidFrame(), Transport.Http11ToH2c, "application/grpc", null,
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
        var body = new List<byte>(ValidFrame());
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
                    body.AddRange(ValidFrame());
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

        var withTimeout = headers.Any(h => h.Name == "grpc-timeout");
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
            o => o.Http == HttpStatusCode.OK && o.Grpc switch
            {
                // An edit inside the id gives another id: none such (NOT_FOUND), or no id at all (INVALID_ARGUMENT).
                StatusCode.OK => IsSeoul(o.Body),
                StatusCode.NotFound or StatusCode.InvalidArgument or StatusCode.Internal or StatusCode.ResourceExhausted or StatusCode.Unimplemented => true,
                StatusCode.Unknown => o.Detail == HandlerException,
                // A deadline of a few nanoseconds may pass before the handler runs.
                StatusCode.DeadlineExceeded => withTimeout,
                _ => false,
            });
    }

    /// <summary>An accepted gRPC answer: this status, with a grpc-message that contains <paramref name="words"/>.</summary>
    private static Func<Outcome, bool> Status(StatusCode code, string words) =>
        o => o.Grpc == code && o.Detail.Contains(words, StringComparison.Ordinal) && (code != StatusCode.OK || IsSeoul(o.Body));

    /// <summary>OK with a member city in the reply, whichever the (random) request named.</summary>
    private static readonly Func<Outcome, bool> AnyCity = o => o.Grpc == StatusCode.OK && o.Body.Length > 5
        && !string.IsNullOrEmpty(GetMemberCityResponse.Parser.ParseFrom(o.Body, 5, o.Body.Length - 5).MemberCity?.Id);

    private static readonly Func<Outcome, bool> FrameworkUnknown = o => o.Grpc == StatusCode.Unknown && o.Detail == HandlerException;


    private static FuzzCase Grpc(string kind, string description, byte[] body, params Func<Outcome, bool>[] accepted) =>
        Grpc(kind, description, body, accepted, configure: null);

    private static FuzzCase Grpc(string kind, string description, byte[] body, Func<Outcome, bool>[] accepted, Action<HttpRequestMessage>? configure) =>
        new(kind, description, body, Transport.H2c, "application/grpc", configure,
            o => o.Http == HttpStatusCode.OK && accepted.Any(accepts => accepts(o)));

    private static readonly GetMemberCityRequest Seoul = new() { MemberCityId = "seoul" };

    private static byte[] ValidFrame() => RawCall.Frame(Seoul);

    /// <summary>True when the body is one message frame holding Seoul (gRPC-Web's trailer frame may follow).</summary>
    private static bool IsSeoul(byte[] body)
    {
        if (body.Length < 5 || body[0] != 0)
        {
            return false;
        }

        var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        return length <= body.Length - 5 && GetMemberCityResponse.Parser.ParseFrom(body, 5, length).MemberCity?.Id == "seoul";
    }

    /// <summary>The trailers of a gRPC-Web body (the frame flagged 0x80), or null when it has none.</summary>
    private static Dictionary<string, string>? GrpcWebTrailers(byte[] body)
    {
        for (var at = 0; at + 5 <= body.Length;)
        {
            var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(at + 1));
            if (length > body.Length - at - 5)
            {
                return null;
            }

            if ((body[at] & 0x80) != 0)
            {
                return Encoding.ASCII.GetString(body, at + 5, length)
                    .Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
                    .Select(line => line.Split(':', 2))
                    .ToDictionary(pair => pair[0].Trim().ToLowerInvariant(), pair => pair.Length > 1 ? pair[1].Trim() : "");
            }

            at += 5 + length;
        }

        return null;
    }

    private static byte[] Payload(Random random, int minimum = 0) =>
        new GetMemberCityRequest { MemberCityId = Text(random, minimum) }.ToByteArray();

    private static string Text(Random random, int minimum = 0) =>
        new([.. Enumerable.Range(0, random.Next(minimum, 40)).Select(_ => (char)random.Next(0x21, 0x7F))]);

    private static byte[] Gzip(byte[] bytes)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize))
        {
            gzip.Write(bytes);
        }

        return compressed.ToArray();
    }

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

    private static readonly string[] NotGrpc =
    [
        "application/json", "text/plain", "application/octet-stream", "application/grpcx", "application/grpc-webx", "multipart/form-data; boundary=x",
    ];

    private static readonly string[] GrpcWithAnotherCodec = ["application/grpc+json", "application/grpc+thrift"];

    private static readonly string[] GrpcWeb = ["application/grpc-web", "application/grpc-web+proto", "application/grpc-web+json"];

    private enum Transport { H2c, Http11ToWeb, Http11ToH2c }

    /// <summary>What came back: an HTTP status (null when the call threw or hung), the gRPC status if any, its message, and the body.</summary>
    private sealed record Outcome(HttpStatusCode? Http, StatusCode? Grpc, string Detail, byte[] Body)
    {
        public string Summary => $"HTTP {(Http is { } http ? (int)http : "none")}, grpc-status {Grpc?.ToString() ?? "none"}";

        /// <summary>The message up to the first quote or digit (where ids, encodings and sizes begin), to group answers by.</summary>
        public string Gist
        {
            get
            {
                var end = Detail.IndexOfAny(['"', '\'', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
                return Detail[..Math.Min(60, end >= 0 ? end : Detail.Length)];
            }
        }

        public override string ToString() => $"{Summary}: {Detail}";
    }

    private sealed record LogEntry(LogLevel Level, string Category, int EventId, string Message, Exception? Exception);

    /// <summary>Keeps what the host logs at Warning or above (the test host's level), with category and exception.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Entries, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<LogEntry> entries, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    entries.Enqueue(new LogEntry(logLevel, category, eventId.Id, formatter(state, exception), exception));
                }
            }
        }
    }

    private sealed record FuzzCase(
        string Kind, string Description, byte[] Body, Transport Transport, string? ContentType, Action<HttpRequestMessage>? Configure, Func<Outcome, bool> Accepts);
}

[CollectionDefinition(WireFuzzTests.Alone, DisableParallelization = true)]
public sealed class WireFuzzAlone;
