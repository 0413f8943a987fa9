using WeGoAssembly.Contracts.Assemblies;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class AssemblyCalendarTests
{
    private static readonly Assembly Seoul = new("ga-2023", "WeGO 6th General Assembly", "Seoul City Hall", 2023, "Asia/Seoul",
        new DateOnly(2023, 9, 5), new DateOnly(2023, 9, 7), AssemblyRules.Default, Sample: false, CreatedAt: default);

    public static TheoryData<DateOnly?, DateOnly?, string, string> Days => new()
    {
        // starts on, ends on: the last day, and when registration closes (the first day's midnight in Seoul, UTC+9).
        { new DateOnly(2023, 9, 5), new DateOnly(2023, 9, 7), "2023-09-07", "2023-09-04T15:00:00Z" },
        { new DateOnly(2023, 9, 5), null, "2023-09-05", "2023-09-04T15:00:00Z" },
        { null, new DateOnly(2023, 9, 7), "2023-09-07", "2023-09-06T15:00:00Z" },
        { null, null, "2023-12-31", "2023-12-31T15:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(Days))]
    public void The_last_day_and_the_close_of_registration_follow_the_dates_that_are_set(DateOnly? startsOn, DateOnly? endsOn, string lastDay, string closes)
    {
        var assembly = Seoul with { StartsOn = startsOn, EndsOn = endsOn };
        Assert.Equal(DateOnly.Parse(lastDay), AssemblyCalendar.LastDay(assembly));
        Assert.Equal(DateTimeOffset.Parse(closes), AssemblyCalendar.RegistrationCloses(assembly));
    }

    [Theory]
    [InlineData("2023-09-04T14:59:59Z", "2023-09-04")]
    [InlineData("2023-09-04T15:00:00Z", "2023-09-05")]
    public void Today_is_the_date_in_the_assembly_s_zone(string utc, string day) =>
        Assert.Equal(DateOnly.Parse(day), AssemblyCalendar.DayAt(Seoul, DateTimeOffset.Parse(utc)));

    [Fact]
    public void An_unknown_zone_id_reads_as_UTC() => Assert.Equal(TimeZoneInfo.Utc, AssemblyCalendar.Zone("Nowhere/Atlantis"));
}
