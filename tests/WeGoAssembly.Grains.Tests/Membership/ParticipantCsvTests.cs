using System.Text;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Accreditation;
using WeGoAssembly.Grains.Accreditation;

namespace WeGoAssembly.Grains.Tests.Membership;

public sealed class ParticipantCsvTests
{
    private const string Header = "member_city_id,given_name,family_name,given_name_latin,email,role,head_of_delegation,language\n";

    private static ParsedParticipantCsv Parse(string text) => ParticipantCsv.Parse(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Good_rows_are_read_with_their_lines_roles_and_Latin_names()
    {
        var parsed = Parse("\uFEFF" + Header +
            "seoul,민지,김,Min-ji,minji@seoul.example.org,voting_delegate,yes,ko\n" +
            "seoul,\"Jun, Ho\",박,,junho@seoul.example.org,Alternate,,\n");

        Assert.Empty(parsed.Errors);
        Assert.Equal([2, 3], parsed.Rows.Select(r => r.Line));
        Assert.Equal((ParticipantRole.VotingDelegate, true, "ko", "Min-ji"),
            (parsed.Rows[0].Person.Role, parsed.Rows[0].Person.HeadOfDelegation, parsed.Rows[0].Person.Language, parsed.Rows[0].Details.GivenNameLatin));
        Assert.Equal(("Jun, Ho", ParticipantRole.Alternate, "en"), (parsed.Rows[1].Person.GivenName, parsed.Rows[1].Person.Role, parsed.Rows[1].Person.Language));
    }

    [Fact]
    public void Each_bad_row_is_refused_with_its_line_and_every_reason()
    {
        var parsed = Parse(Header +
            "seoul,민지,김,Min-ji,minji@seoul.example.org,voting_delegate,yes,ko\n" +   // 2: good
            "seoul,Anna,,,anna@,advisor,,\n" +                                          // 3: e-mail
            "Seoul City,Kai,,,kai@seoul.example.org,observer,,\n" +                    // 4: city id
            "seoul,Tom,,,tom@seoul.example.org,chair,,\n" +                             // 5: role
            "seoul,Mi,,,mi@seoul.example.org,advisor,maybe,fr\n" +                      // 6: head and language
            "seoul,,,,x@seoul.example.org,advisor,,\n" +                                // 7: no given name
            "seoul,Lee,,이,lee@seoul.example.org,advisor,,\n");                         // 8: Latin name in Hangul

        Assert.Equal(7, parsed.RowsRead);
        Assert.Equal([2], parsed.Rows.Select(r => r.Line));
        Assert.Equal([3, 4, 5, 6, 7, 8], parsed.Errors.Select(e => e.Line));
        Assert.Contains("email", parsed.Errors[0].Reason);
        Assert.Contains("member_city_id", parsed.Errors[1].Reason);
        Assert.Contains("role \"chair\"", parsed.Errors[2].Reason);
        Assert.DoesNotContain("role is required", parsed.Errors[2].Reason);
        Assert.Contains("head_of_delegation", parsed.Errors[3].Reason);
        Assert.Contains("language", parsed.Errors[3].Reason);
        Assert.Contains("given_name is required", parsed.Errors[4].Reason);
        Assert.Contains("given_name_latin", parsed.Errors[5].Reason);
    }

    [Theory]
    [InlineData("given_name,email\nMin-ji,a@b.org\n", "member_city_id, role")]
    [InlineData("", "empty")]
    public void A_file_without_the_needed_columns_is_refused_whole(string csv, string words)
    {
        var refused = Assert.Throws<DomainException>(() => Parse(csv));

        Assert.Equal(("csv", DomainErrorKind.Invalid), (refused.Field, refused.Kind));
        Assert.Contains(words, refused.Message);
    }
}
