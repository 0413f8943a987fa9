using System.Collections.Concurrent;
using Google.Protobuf.Reflection;
using WeGoAssembly.Grpc.Tests.Protos;

namespace WeGoAssembly.Grpc.Tests;

/// <summary>The test service: each rpc exercises one behaviour of the wire layer.</summary>
public sealed class EchoService(EchoProbe probe) : IGrpcService
{
    public static ServiceDescriptor Descriptor => EchoReflection.Descriptor.Services[0];

    public void Bind(ServiceBinder binder) => binder
        .Unary<EchoRequest, EchoReply>("Echo", Echo)
        .Unary<SleepRequest, EchoReply>("Sleep", SleepAsync)
        .Unary<ThrowRequest, EchoReply>("Throw", Throw)
        .ServerStreaming<CountRequest, CountReply>("Count", CountAsync);

    private static Task<EchoReply> Echo(EchoRequest request, ServerCallContext context) => Task.FromResult(new EchoReply
    {
        Text = request.Text,
        HeaderValue = request.HeaderName.Length == 0 ? "" : context.RequestHeaders[request.HeaderName].ToString(),
    });

    private async Task<EchoReply> SleepAsync(SleepRequest request, ServerCallContext context)
    {
        var ticket = probe.Ticket(request.Ticket);
        try
        {
            // Ignoring the token models a handler stuck in code that does not observe cancellation.
            await (request.IgnoreDeadline ? ticket.Release.Task : Task.Delay(Timeout.Infinite, context.CancellationToken));
            return new EchoReply { Text = "woke up" };
        }
        finally
        {
            ticket.Ended.TrySetResult(context.CancellationToken.IsCancellationRequested);
        }
    }

    private static Task<EchoReply> Throw(ThrowRequest request, ServerCallContext context)
    {
        context.ResponseTrailers["x-reason"] = request.Kind;
        throw request.Kind switch
        {
            "rpc" => new RpcException(StatusCode.NotFound, request.Message),
            "domain" => new DomainRuleException(request.Message),
            _ => new InvalidOperationException(request.Message),
        };
    }

    private async Task CountAsync(CountRequest request, IServerStreamWriter<CountReply> writer, ServerCallContext context)
    {
        var ticket = probe.Ticket(request.Ticket);
        try
        {
            for (var number = 1; request.Count == 0 || number <= request.Count; number++)
            {
                if (context.CancellationToken.IsCancellationRequested)
                {
                    return;
                }

                if (request.FailAfter > 0 && number > request.FailAfter)
                {
                    throw new RpcException(StatusCode.FailedPrecondition, $"stopped after {request.FailAfter}");
                }

                await writer.WriteAsync(new CountReply { Number = number });
            }

            if (request.ThenWatch)
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (request.ThenWatch && context.CancellationToken.IsCancellationRequested)
        {
            // The call ended (deadline or client): the watch ends quietly.
        }
        finally
        {
            if (request.KeepWriter)
            {
                ticket.Writer.TrySetResult(writer);
            }

            ticket.Ended.TrySetResult(context.CancellationToken.IsCancellationRequested);
        }
    }
}

/// <summary>A domain error the fixture maps to FAILED_PRECONDITION through GrpcWireOptions.ExceptionMappers.</summary>
public sealed class DomainRuleException(string message) : Exception(message);

/// <summary>Lets tests observe and steer handlers by ticket, so no test has to sleep.</summary>
public sealed class EchoProbe
{
    private readonly ConcurrentDictionary<string, ProbeTicket> tickets = new();

    public ProbeTicket Ticket(string name) => tickets.GetOrAdd(name, _ => new ProbeTicket());
}

/// <summary>What one handler call reports back: when it ended (and whether its token was cancelled), its writer.</summary>
public sealed class ProbeTicket
{
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<bool> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<IServerStreamWriter<CountReply>> Writer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
