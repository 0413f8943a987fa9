using Orleans.Storage;
using WeGoAssembly.Storage.Sqlite;

namespace WeGoAssembly.Server.Hosting;

/// <summary>
/// Orleans' ADO.NET grain storage on SQLite, its writes taking the process's writer turn
/// (<see cref="SqliteConnectionFactory.WriterTurnAsync"/>) like the outbox and the vote ledger, so that they queue
/// behind each other instead of finding the file busy (which Microsoft.Data.Sqlite answers with 150 ms sleeps).
/// </summary>
internal sealed class SqliteGrainStorage(IGrainStorage adoNet, SqliteConnectionFactory file) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        adoNet.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        using var turn = await file.WriterTurnAsync();
        await adoNet.WriteStateAsync(stateName, grainId, grainState);
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        using var turn = await file.WriterTurnAsync();
        await adoNet.ClearStateAsync(stateName, grainId, grainState);
    }
}
