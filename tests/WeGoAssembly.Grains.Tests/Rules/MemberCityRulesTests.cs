using WeGoAssembly.Contracts;
using WeGoAssembly.Contracts.Membership;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class MemberCityRulesTests
{
    private static readonly MemberCity Valid =
        new("seoul", "Seoul", "서울", "KR", MemberCategory.Full, 2022, MemberStatus.Active, Sample: false, UpdatedAt: default);

    [Fact]
    public void A_valid_entry_passes_and_is_trimmed()
    {
        var (entry, errors) = MemberCityRules.Validate(Valid with { NameEn = "  Seoul ", CountryCode = " KR" });

        Assert.Empty(errors);
        Assert.Equal("Seoul", entry.NameEn);
        Assert.Equal("KR", entry.CountryCode);
    }

    [Fact]
    public void Hangul_typed_as_jamo_is_stored_composed()
    {
        var decomposed = "서울".Normalize(System.Text.NormalizationForm.FormD);

        var (entry, errors) = MemberCityRules.Validate(Valid with { NameLocal = decomposed });

        Assert.Empty(errors);
        Assert.Equal("서울", entry.NameLocal);
    }

    public static TheoryData<string, MemberCity> Invalid => new()
    {
        { "id", Valid with { Id = "" } },
        { "id", Valid with { Id = "Seoul" } },
        { "id", Valid with { Id = "seoul--city" } },
        { "id", Valid with { Id = "s" } },
        { "id", Valid with { Id = new string('a', 65) } },
        { "name_en", Valid with { NameEn = "   " } },
        { "name_en", Valid with { NameEn = new string('x', 10_000) } },
        { "name_en", Valid with { NameEn = "Seoul\tCity" } },
        { "name_local", Valid with { NameLocal = new string('서', 201) } },
        { "country_code", Valid with { CountryCode = "kr" } },
        { "country_code", Valid with { CountryCode = "KOR" } },
        { "category", Valid with { Category = 0 } },
        { "category", Valid with { Category = (MemberCategory)99 } },
        { "status", Valid with { Status = (MemberStatus)7 } },
        { "dues_paid_through_year", Valid with { DuesPaidThroughYear = 1989 } },
        { "dues_paid_through_year", Valid with { DuesPaidThroughYear = 2201 } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_field_is_reported_by_name(string field, MemberCity entry)
    {
        var (_, errors) = MemberCityRules.Validate(entry);

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData(0, 2022, null)]
    [InlineData(2022, 2022, null)]                                 // recording the same year again is harmless
    [InlineData(2022, 2023, null)]
    [InlineData(2023, 2022, DomainErrorKind.StateConflict)]        // never backwards
    [InlineData(0, 1989, DomainErrorKind.Invalid)]
    [InlineData(0, 2201, DomainErrorKind.Invalid)]
    public void A_dues_payment_only_moves_forward(int current, int paidThrough, DomainErrorKind? refusal)
    {
        Assert.Equal(refusal, MemberCityRules.CheckDuesPayment(current, paidThrough)?.Kind);
    }
}
