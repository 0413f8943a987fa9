using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace WeGoAssembly.Runtime;

/// <summary>
/// The object behind a grain reference: every interface call becomes a work item in the mailbox of
/// the grain's activation, and the caller gets a task of the interface's return type.
/// </summary>
internal class GrainReference : DispatchProxy
{
    private GrainRuntime runtime = null!;
    private GrainRegistration registration = null!;
    private string key = null!;

    internal void Bind(GrainRuntime grainRuntime, GrainRegistration grainRegistration, string primaryKey)
    {
        runtime = grainRuntime;
        registration = grainRegistration;
        key = primaryKey;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = GrainMethod.For(targetMethod!);
        var call = WorkItem.Call(method, args ?? []);
        runtime.Dispatch(registration, key, call);
        return method.ToCallerResult(call.Completion.Task);
    }

    public override string ToString() => $"{registration.Interface.Name}({key})";

    // References are values, as in Orleans: two references to the same grain are equal.
    public override bool Equals(object? obj) =>
        obj is GrainReference other && other.registration.TypeName == registration.TypeName && other.key == key;

    public override int GetHashCode() => HashCode.Combine(registration.TypeName, key);
}

/// <summary>How to await a grain method's result and hand it back as the interface's return type.</summary>
internal sealed class GrainMethod
{
    private static readonly ConcurrentDictionary<MethodInfo, GrainMethod> Cache = new();

    private readonly MethodInfo method;
    private readonly Func<Grain, object?[], object?> invoke;
    private readonly Func<object?, Task<object?>> awaitResult;
    private readonly Func<Task<object?>, object> toCallerResult;

    private GrainMethod(MethodInfo method)
    {
        this.method = method;
        var type = method.ReturnType;
        var (awaitName, wrapName) =
            type == typeof(Task) ? (nameof(AwaitTask), nameof(ToTask)) :
            type == typeof(ValueTask) ? (nameof(AwaitValueTask), nameof(ToValueTask)) :
            type.GetGenericTypeDefinition() == typeof(Task<>) ? (nameof(AwaitTaskOf), nameof(ToTaskOf)) :
            (nameof(AwaitValueTaskOf), nameof(ToValueTaskOf));
        awaitResult = Helper(awaitName, type).CreateDelegate<Func<object?, Task<object?>>>();
        toCallerResult = Helper(wrapName, type).CreateDelegate<Func<Task<object?>, object>>();
        invoke = CompileInvoke(method);
    }

    /// <summary>
    /// (grain, args) => ((TInterface)grain).Method((T0)args[0], ...), compiled once per method so a call costs no
    /// reflection. Like MethodInfo.Invoke with DoNotWrapExceptions, exceptions propagate unwrapped.
    /// </summary>
    private static Func<Grain, object?[], object?> CompileInvoke(MethodInfo method)
    {
        var parameters = method.GetParameters();
        if (method.IsStatic || method.DeclaringType is null || parameters.Any(p => p.ParameterType.IsByRef || p.ParameterType.IsPointer))
        {
            return (grain, args) => method.Invoke(grain, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
        }

        var grain = Expression.Parameter(typeof(Grain), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var arguments = parameters.Select((p, i) =>
            (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType));
        var call = Expression.Call(Expression.Convert(grain, method.DeclaringType), method, arguments);
        return Expression.Lambda<Func<Grain, object?[], object?>>(Expression.Convert(call, typeof(object)), grain, args).Compile();
    }

    public static bool IsSupportedReturnType(Type type) =>
        type == typeof(Task) || type == typeof(ValueTask) ||
        (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)));

    public static GrainMethod For(MethodInfo method) => Cache.GetOrAdd(method, static m => new GrainMethod(m));

    /// <summary>Runs the method on the grain and awaits it; exceptions propagate unwrapped.</summary>
    public Task<object?> InvokeAsync(Grain grain, object?[] args) =>
        awaitResult(invoke(grain, args));

    public object ToCallerResult(Task<object?> result) => toCallerResult(result);

    private static MethodInfo Helper(string name, Type returnType)
    {
        var helper = typeof(GrainMethod).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;
        return helper.IsGenericMethodDefinition ? helper.MakeGenericMethod(returnType.GetGenericArguments()) : helper;
    }

    private static async Task<object?> AwaitTask(object? task)
    {
        await (Task)task!;
        return null;
    }

    private static async Task<object?> AwaitTaskOf<T>(object? task) => await (Task<T>)task!;

    private static async Task<object?> AwaitValueTask(object? task)
    {
        await (ValueTask)task!;
        return null;
    }

    private static async Task<object?> AwaitValueTaskOf<T>(object? task) => await (ValueTask<T>)task!;

    private static object ToTask(Task<object?> result) => result;

    private static object ToTaskOf<T>(Task<object?> result) => Cast<T>(result);

    private static object ToValueTask(Task<object?> result) => new ValueTask(result);

    private static object ToValueTaskOf<T>(Task<object?> result) => new ValueTask<T>(Cast<T>(result));

    private static async Task<T> Cast<T>(Task<object?> result) => (T)(await result)!;
}

/// <summary>An entry of an activation's mailbox: a call, or a request to deactivate.</summary>
internal sealed class WorkItem
{
    private WorkItem(GrainMethod? method, object?[] args, bool onlyIfIdle)
    {
        Method = method;
        Args = args;
        OnlyIfIdle = onlyIfIdle;
    }

    /// <summary>The method to run; null for a deactivation request.</summary>
    public GrainMethod? Method { get; }

    public object?[] Args { get; }

    /// <summary>For a deactivation request: skip it if a call arrived since the idle check.</summary>
    public bool OnlyIfIdle { get; }

    // Continuations run asynchronously so that a caller never runs inside the activation's turn loop.
    public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static WorkItem Call(GrainMethod method, object?[] args) => new(method, args, onlyIfIdle: false);

    public static WorkItem Deactivate(bool onlyIfIdle) => new(null, [], onlyIfIdle);
}
