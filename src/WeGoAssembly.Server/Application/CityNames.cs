using WeGoAssembly.Protos.V1;

namespace WeGoAssembly.Server.Application;

/// <summary>How a member city is named on screens and in the minutes: as people know it, never by its id alone.</summary>
public static class CityNames
{
    /// <summary>The English name, and the local one beside it when it differs (Seoul · 서울).</summary>
    public static string Of(MemberCity city) =>
        city.NameLocal.Length == 0 || city.NameLocal == city.NameEn ? city.NameEn : $"{city.NameEn} · {city.NameLocal}";
}
