using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace WeGoAssembly.Runtime;

// Durable reminders, shaped as in Orleans (Orleans.IRemindable, Orleans.Runtime.IGrainReminder,
// Orleans.Timers.IReminderRegistry, GrainReminderExtensions) so that moving onto Orleans reminders is
// a change of using directives. One difference: an Orleans reminder is periodic (dueTime, period);
// ours fires once at an absolute time — a ballot deadline or a preference cut-off — and a grain that
// wants another tick registers again from ReceiveReminder.

/// <summary>A grain class that receives reminders implements this; the reminder table calls it when one is due.</summary>
public interface IRemindable : IGrain
{
    /// <summary>
    /// A reminder of this grain is due. Delivered at least once: after a crash in the middle of a
    /// delivery, or a failed one, it comes again, so make it idempotent (a closed ballot stays closed).
    /// Throwing makes the reminder table retry later.
    /// </summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>
/// One delivery of a reminder: when it was due and when it fired (later than due when the server was
/// down at the due time, or when this is a retry). Period is zero: reminders here fire once.
/// </summary>
public readonly record struct TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset CurrentTickTime);

/// <summary>A reminder registered for a grain and not yet delivered.</summary>
public interface IGrainReminder
{
    string ReminderName { get; }

    /// <summary>When it is due (a retry after a failed delivery keeps the original due time here).</summary>
    DateTimeOffset DueTime { get; }
}

/// <summary>
/// The durable reminder table: reminders are stored on the grain storage database and survive
/// restarts; one whose due time passed while no server ran fires as soon as one starts, once.
/// The host provides it (Quartz.NET in WeGoAssembly.Server); grains use the extension methods on
/// <see cref="Grain"/> rather than this interface.
/// </summary>
public interface IReminderRegistry
{
    /// <summary>Registers the reminder, or moves it to <paramref name="dueTime"/> if the grain has one of this name.</summary>
    Task<IGrainReminder> RegisterOrUpdateReminder(GrainId grainId, string reminderName, DateTimeOffset dueTime);

    /// <summary>Removes the reminder; nothing happens if it has already fired or was removed.</summary>
    Task UnregisterReminder(GrainId grainId, IGrainReminder reminder);

    /// <summary>The grain's reminder of that name, or null when there is none pending.</summary>
    Task<IGrainReminder?> GetReminder(GrainId grainId, string reminderName);

    /// <summary>The grain's pending reminders, by name.</summary>
    Task<IReadOnlyList<IGrainReminder>> GetReminders(GrainId grainId);
}

/// <summary>Reminder methods on a grain, as Orleans' GrainReminderExtensions; the grain class must implement <see cref="IRemindable"/>.</summary>
public static class GrainReminderExtensions
{
    /// <summary>
    /// Registers a reminder that calls <see cref="IRemindable.ReceiveReminder"/> on this grain at
    /// <paramref name="dueTime"/> (at once if that has passed), or moves an existing one of the same name.
    /// </summary>
    public static Task<IGrainReminder> RegisterOrUpdateReminder(this Grain grain, string reminderName, DateTimeOffset dueTime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reminderName);
        return Registry(grain).RegisterOrUpdateReminder(grain.Activation.Id, reminderName, dueTime);
    }

    public static Task UnregisterReminder(this Grain grain, IGrainReminder reminder)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        return Registry(grain).UnregisterReminder(grain.Activation.Id, reminder);
    }

    public static Task<IGrainReminder?> GetReminder(this Grain grain, string reminderName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reminderName);
        return Registry(grain).GetReminder(grain.Activation.Id, reminderName);
    }

    public static Task<IReadOnlyList<IGrainReminder>> GetReminders(this Grain grain) =>
        Registry(grain).GetReminders(grain.Activation.Id);

    private static IReminderRegistry Registry(Grain grain)
    {
        if (grain is not IRemindable)
            throw new InvalidOperationException(
                $"Grain class {grain.GetType().Name} registers reminders but does not implement {nameof(IRemindable)}.");
        return grain.Activation.Runtime.Services.GetService<IReminderRegistry>()
            ?? throw new InvalidOperationException(
                $"{grain.GetType().Name} uses reminders but no {nameof(IReminderRegistry)} is registered (the host registers one with AddGrainReminders).");
    }
}

/// <summary>Addressing a grain by <see cref="GrainId"/>, as a reminder table or another store of grain ids does.</summary>
public static class GrainIdAddressing
{
    /// <summary>
    /// A reference to grain <paramref name="id"/> through <typeparamref name="TInterface"/>, an interface
    /// its class implements though no grain interface need declare it (Orleans:
    /// GetGrain(grainId).AsReference&lt;T&gt;()). Calls go through the grain's mailbox like any other.
    /// </summary>
    public static TInterface GetGrain<TInterface>(this IGrainFactory factory, GrainId id) where TInterface : class, IGrain
    {
        var runtime = factory as GrainRuntime
            ?? throw new InvalidOperationException($"Addressing grains by id needs the grain runtime's {nameof(IGrainFactory)}.");
        var registration = runtime.Services.GetServices<GrainRegistration>().FirstOrDefault(r => r.TypeName == id.Type)
            ?? throw new InvalidOperationException($"No grain class is registered under the grain type name \"{id.Type}\" (grain {id}).");
        if (!typeof(TInterface).IsAssignableFrom(registration.GrainClass))
            throw new InvalidOperationException($"Grain class {registration.GrainClass.Name} (grain {id}) does not implement {typeof(TInterface).Name}.");
        var reference = DispatchProxy.Create<TInterface, GrainReference>();
        ((GrainReference)(object)reference).Bind(runtime, registration, id.Key);
        return reference;
    }
}
