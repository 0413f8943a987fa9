using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Auth;
using Grpc.Core;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Auth;
using WeGoAssembly.Storage;

namespace WeGoAssembly.Server.Application;

/// <summary>gRPC edge of the append-only audit log: listing and CSV export, for the secretariat only.</summary>
public sealed class AuditUseCases(AuditLog log)
{
    private const int MaxFilterLength = 200;

    public async Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, CallContext context)
    {
        context.Require(Role.Secretariat);
        var query = ToQuery(request.Filter);
        var pageSize = RequestChecks.PageSize(request.PageSize, defaultSize: 100, max: 500);
        // One more than asked tells whether an older page exists, so the last page has no token.
        var entries = await log.ListAsync(query, RequestChecks.BeforeNumber(request.PageToken), pageSize + 1, context.CancellationToken);
        var page = entries.Take(pageSize).ToArray();
        var response = new ListAuditEventsResponse
        {
            NextPageToken = entries.Count > pageSize ? RequestChecks.PageToken(page[^1].Sequence.ToString(CultureInfo.InvariantCulture)) : "",
        };
        response.Events.AddRange(page.Select(ToProto));
        return response;
    }

    public async Task<ExportAuditEventsResponse> ExportAuditEvents(ExportAuditEventsRequest request, CallContext context)
    {
        context.Require(Role.Secretariat);
        var query = ToQuery(request.Filter);
        // The CSV travels in one response message: stop at the 4 MiB that grpc-js and other clients accept by default.
        const int maxBytes = 4 * 1024 * 1024 - 16;
        var csv = await AuditCsv.WriteAsync(log.StreamAsync(query, context.CancellationToken), maxBytes,
            size => new RpcException(new Status(StatusCode.ResourceExhausted,
                $"The export exceeds the largest response ({maxBytes} bytes); export a shorter period with filter.since and filter.until.")),
            context.CancellationToken);
        return new() { Csv = Google.Protobuf.ByteString.CopyFrom(csv) };
    }

    private static AuditEvent ToProto(AuditEntry e) => new()
    {
        Sequence = e.Sequence,
        RecordedAt = Timestamp.FromDateTimeOffset(e.RecordedAt),
        Actor = e.Actor,
        Action = e.Action,
        Subject = e.Subject,
        Details = e.Details,
    };

    private static AuditQuery ToQuery(Protos.V1.AuditFilter? filter)
    {
        if (filter is null)
            return new AuditQuery();
        var since = Time("filter.since", filter.Since);
        var until = Time("filter.until", filter.Until);
        if (since is not null && until is not null && until <= since)
            throw DomainException.Invalid("filter.until", "filter.until must be later than filter.since.");
        return new AuditQuery(
            Text("filter.actor", filter.Actor), Text("filter.action_prefix", filter.ActionPrefix), Text("filter.subject_prefix", filter.SubjectPrefix),
            since, until);
    }

    // Taken as given (no trimming: a prefix is matched character for character), within bounds.
    private static string? Text(string field, string value)
    {
        if (value.Length == 0)
            return null;
        if (value.Length > MaxFilterLength)
            throw DomainException.Invalid(field, $"{field} is {value.Length} characters long; at most {MaxFilterLength}.");
        if (value.Any(char.IsControl))
            throw DomainException.Invalid(field, $"{field} contains a control character; no actor, action or subject does.");
        return value;
    }

    private static DateTimeOffset? Time(string field, Timestamp? value)
    {
        if (value is null)
            return null;
        try
        {
            return value.ToDateTimeOffset();
        }
        catch (InvalidOperationException)
        {
            throw DomainException.Invalid(field, $"{field} is not a valid time (seconds within years 0001 to 9999, nanos 0 to 999999999).");
        }
    }
}
