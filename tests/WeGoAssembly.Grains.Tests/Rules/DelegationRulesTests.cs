using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class DelegationRulesTests
{
    private static NewParticipant Person(string given = "세훈", string family = "오", string email = "mayor@seoul.go.kr", ParticipantRole role = ParticipantRole.Advisor) =>
        new(given, family, "Mayor", "Seoul Metropolitan Government", email, role, HeadOfDelegation: false);

    private static Participant Existing(string id, ParticipantRole role, bool head = false, AccreditationStatus status = AccreditationStatus.Submitted) =>
        new(id, "ga-2023", "seoul", "Given", "Family", "", "", "a@b.kr", role, head, status, "", "", PresenceStatus.NotArrived, null, default);

    public static TheoryData<string, NewParticipant, string?> Registrations => new()
    {
        { "Hangul names", Person(), null },
        { "Latin with accents", Person("José", "Müller-Lüdenscheidt"), null },
        { "a single name", Person("Soekarno", ""), null },
        { "a 100-character name", Person(new string('가', 100)), null },
        { "an empty given name", Person(""), "given_name" },
        { "a blank given name", Person("   "), "given_name" },
        { "a 101-character name", Person(new string('가', 101)), "given_name" },
        { "a 10,000-character name", Person(new string('a', 10_000)), "given_name" },
        { "a 10,000-character family name", Person("A", new string('a', 10_000)), "family_name" },
        { "a tab in the name", Person("Se\thoon"), "given_name" },
        { "no e-mail", Person(email: ""), "email" },
        { "an e-mail without @", Person(email: "mayor.seoul.go.kr"), "email" },
        { "an e-mail without a dotted domain", Person(email: "mayor@localhost"), "email" },
        { "an e-mail with a space", Person(email: "may or@seoul.go.kr"), "email" },
        { "an e-mail with two @", Person(email: "a@b@seoul.go.kr"), "email" },
        { "an internationalised e-mail", Person(email: "시장@서울.한국"), null },
        { "no role", Person() with { Role = 0 }, "role" },
        { "an unknown role", Person() with { Role = (ParticipantRole)9 }, "role" },
    };

    [Theory]
    [MemberData(nameof(Registrations))]
    public void A_registration_names_a_person_in_any_script_with_an_email_and_a_role(string _, NewParticipant person, string? field)
    {
        var (_, errors) = DelegationRules.Validate(person);

        Assert.Equal(field, errors.FirstOrDefault()?.Field);
    }

    [Fact]
    public void Names_are_trimmed_and_stored_in_NFC()
    {
        var decomposed = "\u1109\u1165\u110B\u116E\u11AF";   // 서울 typed as jamo

        var (cleaned, errors) = DelegationRules.Validate(Person($"  {decomposed} "));

        Assert.Empty(errors);
        Assert.Equal("서울", cleaned.GivenName);
    }

    // role and head of the newcomer, people already there, expected error field (null: fits)
    public static TheoryData<string, ParticipantRole, bool, Participant[], string?> Places => new()
    {
        { "first voting delegate", ParticipantRole.VotingDelegate, false, [], null },
        { "second voting delegate", ParticipantRole.VotingDelegate, false, [Existing("p1", ParticipantRole.VotingDelegate)], "role" },
        { "second voting delegate after the first was rejected", ParticipantRole.VotingDelegate, false,
            [Existing("p1", ParticipantRole.VotingDelegate, status: AccreditationStatus.Rejected)], null },
        { "an alternate beside a voting delegate", ParticipantRole.Alternate, false, [Existing("p1", ParticipantRole.VotingDelegate)], null },
        { "second alternate", ParticipantRole.Alternate, false, [Existing("p1", ParticipantRole.Alternate, status: AccreditationStatus.BadgeIssued)], "role" },
        { "many advisors and observers", ParticipantRole.Advisor, false,
            [Existing("p1", ParticipantRole.Advisor), Existing("p2", ParticipantRole.Advisor), Existing("p3", ParticipantRole.Observer)], null },
        { "second head of delegation", ParticipantRole.Advisor, true, [Existing("p1", ParticipantRole.VotingDelegate, head: true)], "head_of_delegation" },
        { "head of delegation as voting delegate", ParticipantRole.VotingDelegate, true, [Existing("p1", ParticipantRole.Observer)], null },
    };

    [Theory]
    [MemberData(nameof(Places))]
    public void A_delegation_holds_one_voting_delegate_one_alternate_and_one_head(
        string _, ParticipantRole role, bool head, Participant[] existing, string? field)
    {
        var refused = DelegationRules.CheckPlace(existing, role, head);

        Assert.Equal(field, refused?.Field);
        if (refused is not null)
            Assert.Equal(DomainErrorKind.StateConflict, refused.Kind);
    }

    [Fact]
    public void Re_approving_a_person_does_not_count_them_against_themselves()
    {
        var delegate1 = Existing("p1", ParticipantRole.VotingDelegate, status: AccreditationStatus.Rejected);

        Assert.Null(DelegationRules.CheckPlace([delegate1], ParticipantRole.VotingDelegate, false, exceptId: "p1"));
    }

    [Theory]
    [InlineData("ga-2023.seoul.p3", "ga-2023", "seoul")]
    [InlineData("ga-2025.gangseo-gu.p12", "ga-2025", "gangseo-gu")]
    public void A_participant_id_leads_to_its_delegation(string id, string assembly, string city) =>
        Assert.Equal((assembly, city), ParticipantIds.Parse("participant_id", id));

    [Theory]
    [InlineData("")]
    [InlineData("ga-2023.seoul")]
    [InlineData("ga-2023.seoul.3")]
    [InlineData("ga-2023.seoul.p")]
    [InlineData("ga-2023.seoul.p-1")]
    [InlineData("ga-2023.Seoul City.p1")]
    [InlineData("ga-2023/seoul/p1")]
    public void Anything_else_is_not_a_participant_id(string id)
    {
        var error = Assert.Throws<DomainException>(() => ParticipantIds.Parse("participant_id", id));

        Assert.Equal(("participant_id", DomainErrorKind.Invalid), (error.Field, error.Kind));
    }

    [Theory]
    [InlineData(AccreditationDecision.Reject, "", "reason")]
    [InlineData(AccreditationDecision.Reject, "  ", "reason")]
    [InlineData((AccreditationDecision)0, "", "decision")]
    public void Rejecting_needs_a_reason_and_a_decision_is_required(AccreditationDecision decision, string reason, string field)
    {
        var error = Assert.Throws<DomainException>(() => DelegationRules.Reason(decision, reason));

        Assert.Equal(field, error.Field);
    }
}
