using Orleans;

namespace WeGoAssembly.Contracts.Floor;

/// <summary>What an amendment does to a motion's text; numbers equal the proto AmendmentKind values.</summary>
[GenerateSerializer, Alias("wego.AmendmentKind")]
public enum AmendmentKind { Replace = 1, Insert = 2, Delete = 3 }

/// <summary>Where an amendment stands; numbers equal the proto AmendmentStatus values.</summary>
[GenerateSerializer, Alias("wego.AmendmentStatus")]
public enum AmendmentStatus { Submitted = 1, Admitted = 2, OutOfOrder = 3, Adopted = 4, Rejected = 5, Withdrawn = 6 }

/// <summary>One paragraph of a motion's text. Id is "p{n}", kept while the paragraph stands, so amendments name it however the text moves.</summary>
[GenerateSerializer, Alias("wego.Paragraph")]
public sealed record Paragraph(string Id, string Text);

/// <summary>An amendment as a delegation writes it: replace or delete a paragraph, or insert one after a paragraph ("" = at the start).</summary>
[GenerateSerializer, Alias("wego.AmendmentDraft")]
public sealed record AmendmentDraft(AmendmentKind Kind, string ParagraphId, string Text, string Reason);

/// <summary>
/// An amendment to a motion. Id is "a{n}" within the item. Order is its place in the voting order once admitted (0 before);
/// ReplacedText is the paragraph's text an adopted replacement or deletion took away, for the record.
/// </summary>
[GenerateSerializer, Alias("wego.Amendment")]
public sealed record Amendment(
    string Id,
    string MemberCityId,
    string SubmittedBy,
    AmendmentKind Kind,
    string ParagraphId,
    string Text,
    string Reason,
    AmendmentStatus Status,
    string Ruling,
    int Order,
    string BallotId,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? DecidedAt,
    string ReplacedText);

/// <summary>
/// The motion of a decision item: the text as tabled, the text now (after the amendments adopted), the amendments, and
/// whether the main motion has been decided (then it takes no more amendments).
/// </summary>
[GenerateSerializer, Alias("wego.Motion")]
public sealed record Motion(
    string AgendaItemId,
    IReadOnlyList<Paragraph> Tabled,
    IReadOnlyList<Paragraph> Text,
    IReadOnlyList<Amendment> Amendments,
    bool Decided);
