using System.Text;
using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Membership;

namespace WeGoAssembly.Grains.Tests.Membership;

public sealed class MemberCityCsvTests
{
    private const string Header = "id,name_en,name_local,country_code,category,dues_paid_through_year,status\n";

    private static ParsedMemberCsv Parse(string text) => MemberCityCsv.Parse(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Good_rows_are_read_with_their_line_numbers()
    {
        var parsed = Parse(Header + "seoul,Seoul,서울,KR,Full,2022,Active\nbusan,Busan,부산,KR,associate,,\n");

        Assert.Equal(2, parsed.RowsRead);
        Assert.Empty(parsed.Errors);
        Assert.Equal([2, 3], parsed.Rows.Select(r => r.Line));
        var busan = parsed.Rows[1].Entry;
        Assert.Equal(MemberCategory.Associate, busan.Category);
        Assert.Equal(MemberStatus.Active, busan.Status);   // an empty status means active
        Assert.Equal(0, busan.DuesPaidThroughYear);        // an empty year means none recorded
        Assert.Equal("부산", busan.NameLocal);
    }

    [Fact]
    public void Each_bad_row_is_reported_with_its_line_and_the_good_ones_kept()
    {
        var parsed = Parse(Header +
            "seoul,Seoul,서울,KR,Full,2022,Active\n" +   // line 2: good
            "Bad Id,X,,KR,Full,2022,Active\n" +           // line 3: id
            "lima,Lima,,PE,Member,2022,Active\n" +        // line 4: category
            "quito,Quito,,EC,Full,twenty,Active\n" +      // line 5: year
            "seoul,Seoul again,,KR,Full,2022,Active\n" +  // line 6: duplicate
            "dakar,Dakar,,sn,Full,2022,Retired\n" +       // line 7: country and status
            "lisbon,Lisbon,Lisboa,PT,Full,2023,\n");      // line 8: good

        Assert.Equal(7, parsed.RowsRead);
        Assert.Equal(["seoul", "lisbon"], parsed.Rows.Select(r => r.Entry.Id));
        Assert.Equal([3, 4, 5, 6, 7], parsed.Errors.Select(e => e.Line));
        Assert.Contains("category \"Member\"", parsed.Errors[1].Reason);
        Assert.Contains("twenty", parsed.Errors[2].Reason);
        Assert.Contains("line 2", parsed.Errors[3].Reason);
        Assert.Contains("country_code", parsed.Errors[4].Reason);
        Assert.Contains("status \"Retired\"", parsed.Errors[4].Reason);
    }

    [Fact]
    public void A_byte_order_mark_and_blank_lines_are_tolerated()
    {
        var parsed = Parse("\uFEFF" + Header + "\nseoul,Seoul,,KR,Full,2022,Active\n\n");

        Assert.Single(parsed.Rows);
        Assert.Empty(parsed.Errors);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("id,name_en\nseoul,Seoul\n", "country_code, category")]
    public void A_file_without_the_needed_header_is_refused(string text, string expected)
    {
        var error = Assert.Throws<DomainException>(() => Parse(text));

        Assert.Equal(DomainErrorKind.Invalid, error.Kind);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_file_that_is_not_UTF8_is_refused()
    {
        var latin1 = Encoding.Latin1.GetBytes(Header + "bogota,Bogotá,,CO,Full,2022,Active\n");

        var error = Assert.Throws<DomainException>(() => MemberCityCsv.Parse(latin1));
        Assert.Contains("UTF-8", error.Message);
    }
}
