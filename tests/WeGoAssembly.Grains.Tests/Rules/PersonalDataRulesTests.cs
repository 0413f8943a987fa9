using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Documents;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class PersonalDataRulesTests
{
    private static readonly DateOnly Today = new(2026, 12, 7), AssemblyEnds = new(2027, 9, 9);

    private static PersonalDetails With(Passport? passport, string given = "Gil-dong", string family = "Hong") => new(given, family, "", "", passport);

    private static Passport Passport(string number = "M12345678", string nationality = "KOR", string born = "1980-04-23", string expires = "2031-01-31") =>
        new(number, nationality, DateOnly.Parse(born), DateOnly.Parse(expires));

    [Fact]
    public void A_good_passport_is_cleaned_spaces_and_hyphens_dropped_and_upper_cased()
    {
        var (cleaned, errors) = PersonalDataRules.Validate(With(Passport(number: "m1234-5678 ", nationality: "kor")), Today, AssemblyEnds);

        Assert.Empty(errors);
        Assert.Equal("M12345678", cleaned.Passport!.Number);
        Assert.Equal("KOR", cleaned.Passport.Nationality);
    }

    public static TheoryData<string, PersonalDetails> Refused => new()
    {
        { "passport.number", With(Passport(number: "M12#45678")) },
        { "passport.number", With(Passport(number: "M123")) },
        { "passport.number", With(Passport(number: new string('9', 21))) },
        { "passport.nationality", With(Passport(nationality: "KR")) },
        { "passport.nationality", With(Passport(nationality: "K0R")) },
        { "passport.date_of_birth", With(Passport(born: "2026-12-07")) },        // today is not a past date
        { "passport.date_of_birth", With(Passport(born: "1900-01-01")) },        // more than 120 years ago
        { "passport.expires_on", With(Passport(expires: "2027-09-09")) },        // must outlast the last day
        { "passport.expires_on", With(Passport(expires: "2025-01-01")) },
        { "given_name_latin", With(Passport(), given: "") },                      // a passport needs the Latin name
        { "given_name_latin", With(null, given: "길동") },
        { "family_name_latin", With(null, family: "Hong\tKim") },
    };

    [Theory, MemberData(nameof(Refused))]
    public void Each_bad_field_is_refused_by_name(string field, PersonalDetails details)
    {
        var (_, errors) = PersonalDataRules.Validate(details, Today, AssemblyEnds);

        Assert.Contains(errors, e => e.Field == field);
    }

    [Fact]
    public void No_message_repeats_a_passport_number_or_a_birth_date()
    {
        var (_, errors) = PersonalDataRules.Validate(With(Passport(number: "AB#CD12345", born: "2030-05-05", expires: "2026-01-01")), Today, AssemblyEnds);

        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.DoesNotContain("CD12345", e.Message));
        Assert.All(errors, e => Assert.DoesNotContain("2030-05-05", e.Message));
    }

    [Theory]
    [InlineData("M12345678", "•••••5678")]
    [InlineData("X1234", "•1234")]
    [InlineData("1234", "••••")]
    public void A_verification_page_shows_only_the_last_four_characters(string number, string masked) =>
        Assert.Equal(masked, Passport(number: number).MaskedNumber);

    [Theory]
    [InlineData("Kim Min-ji", true)]
    [InlineData("François O'Neil", true)]
    [InlineData("Nguyễn Văn An", true)]
    [InlineData("김민지", false)]
    [InlineData("Иван", false)]
    public void Latin_names_take_Latin_letters_with_accents_only(string name, bool accepted)
    {
        var errors = new List<FieldError>();
        PersonalDataRules.LatinName("given_name_latin", name, errors);

        Assert.Equal(accepted, errors.Count == 0);
    }
}
