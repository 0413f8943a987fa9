using Orleans;

namespace WeGoAssembly.Contracts.Records;

/// <summary>A grain with deadlines that the job scheduler calls when due (a ballot's closing time, a preference cut-off).</summary>
[Alias("wego.IHasDeadlines")]
public interface IHasDeadlines : IGrainWithStringKey
{
    /// <summary>
    /// The deadline <paramref name="name"/>, due at <paramref name="dueTime"/>, has come. Delivered at least once, perhaps
    /// late (the server was down) or after the deadline moved: the grain checks its current deadline, so a stale call does nothing.
    /// </summary>
    Task DeadlineDueAsync(string name, DateTimeOffset dueTime);
}
