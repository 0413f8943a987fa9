using WeGoAssembly.Contracts.Assemblies;

namespace WeGoAssembly.Grains.Rules;

/// <summary>An assembly's days, in its own time zone: what "today", "the last day" and "registration closes" mean.</summary>
public static class AssemblyCalendar
{
    /// <summary>The zone of <paramref name="timeZoneId"/>; UTC when this machine does not know the id.</summary>
    public static TimeZoneInfo Zone(string timeZoneId) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The date in the assembly's zone at <paramref name="now"/>.</summary>
    public static DateOnly DayAt(Assembly assembly, DateTimeOffset now) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone(assembly.TimeZone)).DateTime);

    /// <summary>The assembly's last day: its end date, else its first day, else the last day of its year.</summary>
    public static DateOnly LastDay(Assembly assembly) => assembly.EndsOn ?? assembly.StartsOn ?? new DateOnly(assembly.Year, 12, 31);

    /// <summary>
    /// When focal points can no longer register and submit: the start of the assembly's first day in its zone (its
    /// last day, or the end of its year, when no first day is set). The secretariat registers after that.
    /// </summary>
    public static DateTimeOffset RegistrationCloses(Assembly assembly)
    {
        var day = assembly.StartsOn ?? assembly.EndsOn ?? new DateOnly(assembly.Year + 1, 1, 1);
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Zone(assembly.TimeZone).GetUtcOffset(local));
    }
}
