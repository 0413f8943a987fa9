using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Floor;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class MotionRulesTests
{
    private static readonly DateTimeOffset T0 = new(2023, 10, 25, 9, 0, 0, TimeSpan.FromHours(9));

    private static readonly Paragraph[] Text = [new("p1", "The assembly adopts the charter."), new("p2", "Members report yearly."), new("p3", "The secretariat publishes the reports.")];

    private static Amendment Amendment(string id, AmendmentKind kind, string paragraphId, string text = "", AmendmentStatus status = AmendmentStatus.Admitted, int order = 1) =>
        new(id, "seoul", "participant:x", kind, paragraphId, text, "Reason.", status, "", order, "", T0, null, "");

    // before, after, the diff written [-removed] and [+added]
    [Theory]
    [InlineData("Members report yearly.", "Members report every two years.", "Members report [-yearly.][+every two years.]")]
    [InlineData("The assembly adopts the charter.", "The assembly notes the charter.", "The assembly [-adopts ][+notes ]the charter.")]
    [InlineData("", "A new paragraph.", "[+A new paragraph.]")]
    [InlineData("An old paragraph.", "", "[-An old paragraph.]")]
    [InlineData("Same words.", "Same words.", "Same words.")]
    [InlineData("One two three.", "Zero one two three.", "[-One ][+Zero one ]two three.")]
    [InlineData("회원은 매년 보고한다.", "회원은 2년마다 보고한다.", "회원은 [-매년 ][+2년마다 ]보고한다.")]
    public void A_diff_keeps_the_longest_run_of_words_and_shows_what_goes_before_what_comes(string before, string after, string expected) =>
        Assert.Equal(expected, string.Concat(TextDiff.Words(before, after).Select(c => c.Kind switch
        {
            TextChangeKind.Removed => $"[-{c.Text}]",
            TextChangeKind.Added => $"[+{c.Text}]",
            _ => c.Text,
        })));

    [Fact]
    public void An_adopted_amendment_replaces_inserts_or_deletes_by_paragraph_id_and_an_inserted_paragraph_gets_a_new_one()
    {
        var replaced = MotionRules.Apply(Text, Amendment("a1", AmendmentKind.Replace, "p2", "Members report every two years."), 4)!.Value;
        Assert.Equal(["p1", "p2", "p3"], replaced.Text.Select(p => p.Id));
        Assert.Equal(("Members report every two years.", "Members report yearly."), (replaced.Text[1].Text, replaced.Replaced));

        var inserted = MotionRules.Apply(Text, Amendment("a2", AmendmentKind.Insert, "p1", "Each member names a focal point."), 4)!.Value;
        Assert.Equal(["p1", "p4", "p2", "p3"], inserted.Text.Select(p => p.Id));
        Assert.Equal(["p4", "p1", "p2", "p3"], MotionRules.Apply(Text, Amendment("a3", AmendmentKind.Insert, "", "First."), 4)!.Value.Text.Select(p => p.Id));

        var deleted = MotionRules.Apply(Text, Amendment("a4", AmendmentKind.Delete, "p3"), 4)!.Value;
        Assert.Equal(["p1", "p2"], deleted.Text.Select(p => p.Id));
        Assert.Equal("The secretariat publishes the reports.", deleted.Replaced);

        // A paragraph an earlier amendment deleted can no longer be changed.
        Assert.Null(MotionRules.Apply(deleted.Text, Amendment("a5", AmendmentKind.Replace, "p3", "New."), 4));
    }

    // kind, paragraph, text, reason, the field at fault (null: taken)
    [Theory]
    [InlineData(AmendmentKind.Replace, "p2", "Members report every two years.", "Burden.", null)]
    [InlineData(AmendmentKind.Insert, "", "First.", "Reason.", null)]
    [InlineData(AmendmentKind.Delete, "p3", "", "Reason.", null)]
    [InlineData(AmendmentKind.Replace, "p9", "Text.", "Reason.", "paragraph_id")]
    [InlineData(AmendmentKind.Replace, "", "Text.", "Reason.", "paragraph_id")]
    [InlineData(AmendmentKind.Replace, "p2", "Members report yearly.", "Reason.", "text")]
    [InlineData(AmendmentKind.Replace, "p2", "", "Reason.", "text")]
    [InlineData(AmendmentKind.Delete, "p2", "Text.", "Reason.", "text")]
    [InlineData(AmendmentKind.Insert, "p1", "Text.", "", "reason")]
    [InlineData((AmendmentKind)0, "p1", "Text.", "Reason.", "kind")]
    public void An_amendment_names_a_paragraph_of_the_text_now_changes_it_and_gives_a_reason(AmendmentKind kind, string paragraph, string text, string reason, string? field)
    {
        var draft = new AmendmentDraft(kind, paragraph, text, reason);
        if (field is null)
            Assert.Equal(draft, MotionRules.Check(Text, draft));
        else
            Assert.Equal(field, Assert.Throws<DomainException>(() => MotionRules.Check(Text, draft)).Field);
    }

    [Fact]
    public void The_main_motion_waits_for_every_amendment_and_amendments_for_their_turn()
    {
        Motion With(params Amendment[] amendments) => new("ga.item-5", Text, Text, amendments, Decided: false);
        Assert.Null(MotionRules.OpeningRefusal(With(), "", "5"));
        Assert.Contains("a1 to item 5 awaits the chair's decision", MotionRules.OpeningRefusal(With(Amendment("a1", AmendmentKind.Delete, "p3", status: AmendmentStatus.Submitted)), "", "5")!.Message);
        var two = With(Amendment("a1", AmendmentKind.Delete, "p3", order: 2), Amendment("a2", AmendmentKind.Delete, "p2", order: 1));
        Assert.Contains("Amendment a2 to item 5 is admitted and not yet voted on", MotionRules.OpeningRefusal(two, "", "5")!.Message);
        Assert.Equal("Amendment a2 comes first in the voting order of item 5; vote on it before a1.", MotionRules.OpeningRefusal(two, "a1", "5")!.Message);
        Assert.Null(MotionRules.OpeningRefusal(two, "a2", "5"));
        Assert.Contains("is ruled out of order", MotionRules.OpeningRefusal(With(Amendment("a1", AmendmentKind.Delete, "p3", status: AmendmentStatus.OutOfOrder)), "a1", "5")!.Message);
        Assert.Null(MotionRules.OpeningRefusal(With(Amendment("a1", AmendmentKind.Delete, "p3", status: AmendmentStatus.Rejected), Amendment("a2", AmendmentKind.Delete, "p2", status: AmendmentStatus.Withdrawn)), "", "5"));
        var gone = new Motion("ga.item-5", Text, [Text[0]], [Amendment("a1", AmendmentKind.Replace, "p2", "New.")], false);
        Assert.Contains("Paragraph p2, which amendment a1 changes, was deleted", MotionRules.OpeningRefusal(gone, "a1", "5")!.Message);
    }
}
