using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Floor;

namespace WeGoAssembly.Grains.Rules;

/// <summary>The rules of a motion's text and its amendments: what may be tabled and proposed, how an adopted amendment changes the text, the voting order.</summary>
public static class MotionRules
{
    public const int MaxParagraphs = 100, MaxParagraphLength = 4000, MaxReasonLength = 1000;

    /// <summary>A text to table: 1 to 100 paragraphs, each plain text of 1 to 4,000 characters (line breaks allowed).</summary>
    public static IReadOnlyList<string> Tabled(IReadOnlyList<string> paragraphs)
    {
        var errors = new List<FieldError>();
        var cleaned = paragraphs.Select((p, i) => Paragraph($"paragraphs[{i}]", p, required: true, errors)).ToArray();
        if (cleaned.Length is 0 or > MaxParagraphs)
            errors.Add(new("paragraphs", $"A motion has 1 to {MaxParagraphs} paragraphs; {cleaned.Length} were given."));
        DomainErrors.ThrowIfAny(errors);
        return cleaned;
    }

    /// <summary>An amendment as written, checked against the text now; the cleaned draft.</summary>
    public static AmendmentDraft Check(IReadOnlyList<Paragraph> text, AmendmentDraft draft)
    {
        var errors = new List<FieldError>();
        if (!Enum.IsDefined(draft.Kind))
            errors.Add(new("kind", "kind must be replace, insert or delete."));
        var paragraphId = (draft.ParagraphId ?? "").Trim();
        var target = text.FirstOrDefault(p => p.Id == paragraphId);
        if (target is null && !(draft.Kind == AmendmentKind.Insert && paragraphId.Length == 0))
            errors.Add(new("paragraph_id", $"paragraph_id \"{TextRules.Shorten(paragraphId)}\" is not a paragraph of the motion now ({string.Join(", ", text.Select(p => p.Id))})"
                + (draft.Kind == AmendmentKind.Insert ? "; leave it empty to insert at the start." : ".")));
        var newText = Paragraph("text", draft.Text, required: draft.Kind != AmendmentKind.Delete, errors);
        if (draft.Kind == AmendmentKind.Delete && newText.Length > 0)
            errors.Add(new("text", "A deletion takes no text; leave text empty."));
        if (draft.Kind == AmendmentKind.Replace && target is not null && newText == target.Text)
            errors.Add(new("text", $"The text is the same as paragraph {target.Id} now; a replacement must change it."));
        var reason = Paragraph("reason", draft.Reason, required: true, errors, MaxReasonLength);
        DomainErrors.ThrowIfAny(errors);
        return new(draft.Kind, paragraphId, newText, reason);
    }

    /// <summary>
    /// The text after an adopted amendment, and the paragraph text it took away (for the record). A paragraph it
    /// inserts gets the next id. Null when the paragraph it names is gone (an earlier amendment deleted it).
    /// </summary>
    public static (List<Paragraph> Text, string Replaced)? Apply(IReadOnlyList<Paragraph> text, Amendment amendment, int nextParagraph)
    {
        var result = text.ToList();
        var index = result.FindIndex(p => p.Id == amendment.ParagraphId);
        switch (amendment.Kind)
        {
            case AmendmentKind.Insert when amendment.ParagraphId.Length == 0:
                result.Insert(0, new($"p{nextParagraph}", amendment.Text));
                return (result, "");
            case AmendmentKind.Insert when index >= 0:
                result.Insert(index + 1, new($"p{nextParagraph}", amendment.Text));
                return (result, "");
            case AmendmentKind.Replace when index >= 0:
                var replaced = result[index].Text;
                result[index] = result[index] with { Text = amendment.Text };
                return (result, replaced);
            case AmendmentKind.Delete when index >= 0:
                var deleted = result[index].Text;
                result.RemoveAt(index);
                return (result, deleted);
            default:
                return null;
        }
    }

    /// <summary>The admitted amendments not yet voted on, in voting order.</summary>
    public static IReadOnlyList<Amendment> Pending(IEnumerable<Amendment> amendments) =>
        amendments.Where(a => a.Status == AmendmentStatus.Admitted).OrderBy(a => a.Order).ToArray();

    /// <summary>
    /// Why a ballot may not open now, or null: an amendment is voted when admitted and first in the voting order, its
    /// paragraph still standing; the main motion once no amendment is admitted or awaiting the chair.
    /// </summary>
    public static DomainException? OpeningRefusal(Motion motion, string amendmentId, string itemNumber)
    {
        if (amendmentId.Length == 0)
        {
            if (motion.Amendments.FirstOrDefault(a => a.Status == AmendmentStatus.Submitted) is { } waiting)
                return new(DomainErrorKind.StateConflict, $"Amendment {waiting.Id} to item {itemNumber} awaits the chair's decision; decide it before the main motion is voted on.");
            return Pending(motion.Amendments).FirstOrDefault() is { } pending
                ? new(DomainErrorKind.StateConflict, $"Amendment {pending.Id} to item {itemNumber} is admitted and not yet voted on; amendments are voted before the main motion.")
                : null;
        }
        var amendment = motion.Amendments.FirstOrDefault(a => a.Id == amendmentId);
        if (amendment is null || amendment.Status != AmendmentStatus.Admitted)
            return new(DomainErrorKind.StateConflict,
                $"Amendment {amendmentId} to item {itemNumber} is {(amendment is null ? "unknown" : Words(amendment.Status))}; only an admitted amendment is voted on.");
        if (Pending(motion.Amendments)[0] is { } first && first.Id != amendmentId)
            return new(DomainErrorKind.StateConflict, $"Amendment {first.Id} comes first in the voting order of item {itemNumber}; vote on it before {amendmentId}.");
        return Apply(motion.Text, amendment, 0) is null
            ? new(DomainErrorKind.StateConflict, $"Paragraph {amendment.ParagraphId}, which amendment {amendmentId} changes, was deleted by an earlier amendment; rule it out of order.")
            : null;
    }

    public static string Words(AmendmentStatus status) => status switch
    {
        AmendmentStatus.Submitted => "awaiting the chair's decision",
        AmendmentStatus.Admitted => "admitted",
        AmendmentStatus.OutOfOrder => "ruled out of order",
        AmendmentStatus.Adopted => "adopted",
        AmendmentStatus.Rejected => "rejected",
        _ => "withdrawn",
    };

    private static string Paragraph(string field, string? value, bool required, List<FieldError> errors, int maxLength = MaxParagraphLength)
    {
        var text = (value ?? "").Trim().Normalize();
        if (required && text.Length == 0)
            errors.Add(new(field, $"{field} is required."));
        else if (text.Length > maxLength)
            errors.Add(new(field, $"{field} is {text.Length} characters long; at most {maxLength} are allowed."));
        else if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\r'))
            errors.Add(new(field, $"{field} contains a control character other than a line break."));
        return text.ReplaceLineEndings("\n");
    }
}

/// <summary>One run of a word diff: kept, taken out or put in.</summary>
public enum TextChangeKind { Same = 1, Removed = 2, Added = 3 }

public sealed record TextChange(TextChangeKind Kind, string Text);

/// <summary>A word-by-word difference between two texts, as a reader follows an amendment: the longest run of words kept, and around it what goes and what comes.</summary>
public static class TextDiff
{
    public static IReadOnlyList<TextChange> Words(string before, string after)
    {
        var a = Tokens(before);
        var b = Tokens(after);
        // Longest common subsequence of tokens (words with their following space); texts are paragraphs, so n*m stays small.
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var changes = new List<TextChange>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                Add(changes, TextChangeKind.Same, a[x++]);
                y++;
            }
            // Within a replaced stretch, what goes reads before what comes.
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
                Add(changes, TextChangeKind.Removed, a[x++]);
            else
                Add(changes, TextChangeKind.Added, b[y++]);
        }
        return changes;
    }

    private static string[] Tokens(string text) =>
        System.Text.RegularExpressions.Regex.Matches(text, @"\S+\s*|\s+").Select(m => m.Value).ToArray();

    private static void Add(List<TextChange> changes, TextChangeKind kind, string token)
    {
        if (changes.Count > 0 && changes[^1].Kind == kind)
            changes[^1] = changes[^1] with { Text = changes[^1].Text + token };
        else
            changes.Add(new(kind, token));
    }
}
