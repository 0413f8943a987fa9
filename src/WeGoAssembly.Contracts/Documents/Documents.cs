using Orleans;

namespace WeGoAssembly.Contracts.Documents;

/// <summary>The official documents of a participant; numbers equal the proto DocumentKind values.</summary>
[GenerateSerializer, Alias("wego.DocumentKind")]
public enum DocumentKind { Confirmation = 1, Badge = 2, VisaLetter = 3, Certificate = 4 }

/// <summary>
/// A generated PDF, with the hash of what it was made from: when the data changes the hash does too, and the
/// document is made again.
/// </summary>
[GenerateSerializer, Alias("wego.GeneratedDocument"), Immutable]
public sealed record GeneratedDocument(DocumentKind Kind, byte[] Pdf, string SourceSha256, DateTimeOffset GeneratedAt);

/// <summary>One generated document of one participant, keyed "{participantId}/{kind}". Derived data: no audit.</summary>
[Alias("wego.IDocumentGrain")]
public interface IDocumentGrain : IGrainWithStringKey
{
    Task<GeneratedDocument?> GetAsync();

    /// <summary>Stores the document unless the one stored was made from the same data.</summary>
    Task StoreAsync(GeneratedDocument document);

    /// <summary>Removes the document (it no longer applies: a revoked letter, a rejected accreditation).</summary>
    Task ClearAsync();
}
