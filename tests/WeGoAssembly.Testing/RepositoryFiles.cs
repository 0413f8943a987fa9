namespace WeGoAssembly.Testing;

/// <summary>Files of this repository (deploy/, tests/interop, ...), found from the test binaries upwards.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder that holds WeGoAssembly.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path below <see cref="Root"/>, e.g. PathOf("deploy", "nginx", "wegoassembly.conf").</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WeGoAssembly.sln")))
                return dir.FullName;
        throw new InvalidOperationException("WeGoAssembly.sln not found above " + AppContext.BaseDirectory);
    }
}
