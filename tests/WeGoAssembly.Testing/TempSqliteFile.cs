namespace WeGoAssembly.Testing;

/// <summary>A unique SQLite file path in the temp directory; the file, its -wal/-shm and the jobs file beside it go with it.</summary>
public sealed class TempSqliteFile : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"wego-test-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var file in new[] { Path, System.IO.Path.ChangeExtension(Path, ".jobs.db") })
            foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
                File.Delete(file + suffix);
    }
}
