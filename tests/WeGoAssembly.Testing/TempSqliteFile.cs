namespace WeGoAssembly.Testing;

/// <summary>A unique SQLite file path in the temp directory; the file and its -wal/-shm go with it.</summary>
public sealed class TempSqliteFile : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"wego-test-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
            File.Delete(Path + suffix);
    }
}
