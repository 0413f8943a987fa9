using Orleans;
namespace WeGoAssembly.Contracts;

/// <summary>What kind of rule a request broke; the gRPC edge maps each kind to one status code.</summary>
[GenerateSerializer, Alias("wego.DomainErrorKind")]
public enum DomainErrorKind
{
    /// <summary>The request itself is malformed or out of range (INVALID_ARGUMENT).</summary>
    Invalid,
    /// <summary>The thing named does not exist (NOT_FOUND).</summary>
    NotFound,
    /// <summary>The thing to create exists already (ALREADY_EXISTS).</summary>
    AlreadyExists,
    /// <summary>The request is well-formed but the current state does not allow it (FAILED_PRECONDITION).</summary>
    StateConflict,
    /// <summary>The caller may not do this (PERMISSION_DENIED).</summary>
    Forbidden,
}

/// <summary>
/// A broken domain rule, with a message a person can act on and, for bad input, the field at fault. Kind and
/// field cross a silo boundary with the message (Orleans' generated exception codec).
/// </summary>
[GenerateSerializer, Alias("wego.DomainException")]
public sealed class DomainException : Exception
{
    public DomainException(DomainErrorKind kind, string message, string? field = null) : base(message)
    {
        Kind = kind;
        Field = field;
    }

    [Id(0)]
    public DomainErrorKind Kind { get; private set; }

    /// <summary>The request field at fault (proto field name), when one is.</summary>
    [Id(1)]
    public string? Field { get; private set; }

    public static DomainException Invalid(string field, string message) => new(DomainErrorKind.Invalid, message, field);

    public static DomainException NotFound(string message) => new(DomainErrorKind.NotFound, message);
}

/// <summary>One problem with one input field.</summary>
[GenerateSerializer, Alias("wego.FieldError")]
public sealed record FieldError(string Field, string Message);
