using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace WeGoAssembly.Runtime;

/// <summary>
/// One grain interface mapped to its implementation, checked when it is registered so that a wrong
/// signature fails at start-up instead of at the first call.
/// </summary>
internal sealed class GrainRegistration
{
    private readonly ConstructorInfo constructor;
    private readonly Func<GrainActivation, IServiceProvider, object?>[] arguments;

    private GrainRegistration(Type grainInterface, Type grainClass)
    {
        Interface = grainInterface;
        GrainClass = grainClass;
        TypeName = GrainTypeName.Of(grainClass);

        var methods = grainInterface.GetMethods().Concat(grainInterface.GetInterfaces().SelectMany(i => i.GetMethods()));
        foreach (var method in methods)
        {
            if (!GrainMethod.IsSupportedReturnType(method.ReturnType))
                throw new InvalidOperationException(
                    $"Grain interface {grainInterface.Name}: {method.Name} returns {method.ReturnType.Name}; " +
                    "grain methods must return Task, Task<T>, ValueTask or ValueTask<T>.");
        }

        var constructors = grainClass.GetConstructors();
        if (constructors.Length != 1)
            throw new InvalidOperationException($"Grain class {grainClass.Name} must have exactly one public constructor.");
        constructor = constructors[0];
        arguments = constructor.GetParameters().Select(p => ArgumentFor(grainClass, p)).ToArray();
    }

    public Type Interface { get; }

    public Type GrainClass { get; }

    public string TypeName { get; }

    public static GrainRegistration Create(Type grainInterface, Type grainClass) => new(grainInterface, grainClass);

    /// <summary>Constructs the grain: runtime-bound states and journals, the rest from the activation's services.</summary>
    public (Grain Grain, IStorageSlot[] Slots) Construct(GrainActivation activation, IServiceProvider services)
    {
        var values = arguments.Select(argument => argument(activation, services)).ToArray();
        Grain.Constructing = activation;
        try
        {
            var grain = (Grain)constructor.Invoke(BindingFlags.DoNotWrapExceptions, binder: null, values, culture: null);
            return (grain, values.OfType<IStorageSlot>().ToArray());
        }
        finally
        {
            Grain.Constructing = null;
        }
    }

    private static Func<GrainActivation, IServiceProvider, object?> ArgumentFor(Type grainClass, ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : null;
        var stateName = parameter.GetCustomAttribute<PersistentStateAttribute>()?.StateName;
        var journalName = parameter.GetCustomAttribute<JournalAttribute>()?.JournalName;

        if (generic == typeof(IPersistentState<>) && stateName is not null)
        {
            var slot = typeof(PersistentState<>).MakeGenericType(type.GetGenericArguments());
            return (activation, _) => Activator.CreateInstance(slot, activation, stateName);
        }
        if (generic == typeof(IJournal<>) && journalName is not null)
        {
            var slot = typeof(Journal<>).MakeGenericType(type.GetGenericArguments());
            return (activation, _) => Activator.CreateInstance(slot, activation, journalName);
        }
        if (generic == typeof(IPersistentState<>) || generic == typeof(IJournal<>) || stateName is not null || journalName is not null)
            throw new InvalidOperationException(
                $"Grain class {grainClass.Name}, parameter {parameter.Name}: use [PersistentState(\"name\")] IPersistentState<T> " +
                "or [Journal(\"name\")] IJournal<TEvent>.");

        if (parameter.HasDefaultValue)
            return (_, services) => services.GetService(type) ?? parameter.DefaultValue;
        return (_, services) => services.GetRequiredService(type);
    }
}
