using System.Reflection;
using System.Text;

namespace WeGoAssembly.Runtime;

/// <summary>
/// Base class of grain implementations. The runtime constructs a grain for each activation and runs
/// its calls one at a time, so a grain's fields need no locking.
/// </summary>
public abstract class Grain
{
    // Set by the runtime around the constructor call, so that the key and factory are usable from
    // the constructor on, as in Orleans.
    [ThreadStatic] internal static GrainActivation? Constructing;

    private readonly GrainActivation? activation = Constructing;

    internal GrainActivation Activation =>
        activation ?? throw new InvalidOperationException(
            $"{GetType().Name} was not created by the grain runtime; get a reference with IGrainFactory.GetGrain instead.");

    /// <summary>Hands out references to other grains.</summary>
    public IGrainFactory GrainFactory => Activation.Runtime;

    /// <summary>Runs after the persistent states and journals are loaded, before the first call.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs as the last turn of an activation (idle collection, explicit deactivation, shutdown).</summary>
    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current call completes; later calls get a fresh one.</summary>
    protected void DeactivateOnIdle() => Activation.DeactivateOnIdle();
}

/// <summary>Orleans-style accessors on a grain.</summary>
public static class GrainExtensions
{
    /// <summary>The key the grain was addressed with.</summary>
    public static string GetPrimaryKeyString(this Grain grain) => grain.Activation.Id.Key;
}

/// <summary>Gives a grain class its stable name in storage (the default is derived from the class name).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>The storage name of a grain class: <see cref="GrainTypeAttribute"/>, else e.g. MemberCityGrain → "member-city".</summary>
public static class GrainTypeName
{
    public static string Of<TGrain>() where TGrain : Grain => Of(typeof(TGrain));

    public static string Of(Type grainClass)
    {
        if (grainClass.GetCustomAttribute<GrainTypeAttribute>() is { } attribute)
            return attribute.Name;
        var name = grainClass.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
            name = name[..^"Grain".Length];
        return ToKebabCase(name);
    }

    private static string ToKebabCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            // A word starts at an upper-case letter after a lower-case one or a digit ("MemberCity"),
            // or at the last capital of an acronym ("GAVote" → "ga-vote").
            var startsWord = char.IsUpper(c) && i > 0 &&
                (!char.IsUpper(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (startsWord)
                builder.Append('-');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
