using System.ComponentModel;
using Hangfire;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Documents;

namespace WeGoAssembly.Server.Documents;

/// <summary>
/// Makes a participant's documents again where what they print has changed, and removes those that no longer apply
/// (a revoked letter, a rejected accreditation). Idempotent: a document made from the same data is not made twice, so
/// a job run twice, or two runs at once, leave the same result.
/// </summary>
public sealed class DocumentJob(DocumentSources sources, IGrainFactory grains, TimeProvider clock)
{
    public const string Queue = "documents";

    [DisplayName("Documents of {0}")]
    [Queue(Queue)]
    public async Task RefreshAsync(string participantId)
    {
        DocumentSource source;
        try
        {
            source = await sources.ReadAsync(participantId);
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.NotFound)
        {
            return;   // nobody to make documents for
        }
        foreach (var kind in Enum.GetValues<DocumentKind>())
        {
            var stored = grains.GetGrain<IDocumentGrain>(Key(participantId, kind));
            if (source.Refusal(kind) is not null)
            {
                await stored.ClearAsync();
                continue;
            }
            var sha256 = source.Sha256(kind);
            if ((await stored.GetAsync())?.SourceSha256 != sha256)
                await stored.StoreAsync(new GeneratedDocument(kind, PdfRenderer.Render(kind, source), sha256, clock.GetUtcNow()));
        }
    }

    public static string Key(string participantId, DocumentKind kind) => $"{participantId}/{kind}";
}
