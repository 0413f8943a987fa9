namespace WeGoAssembly.Web.Tests.Browser;

/// <summary>A viewport a journey runs on.</summary>
public sealed record Screen(string Name, int Width, int Height, bool IsPhone)
{
    public static readonly Screen Desktop = new("desktop", 1280, 800, IsPhone: false);

    /// <summary>A phone held upright (the size of a current mid-range phone): delegates vote from phones.</summary>
    public static readonly Screen Phone = new("phone", 390, 844, IsPhone: true);

    /// <summary>Both screens by name, for theories (xunit lists each case by its name).</summary>
    public static TheoryData<string> All => [Desktop.Name, Phone.Name];

    public static Screen Named(string name) => name == Phone.Name ? Phone : name == Desktop.Name ? Desktop
        : throw new ArgumentOutOfRangeException(nameof(name), name, "no such screen");
}
