using WeGoAssembly.Contracts;

namespace WeGoAssembly.Grains.Rules;

/// <summary>Turns a list of field errors into the one exception a request fails with.</summary>
public static class DomainErrors
{
    /// <summary>Throws INVALID_ARGUMENT naming every problem, when there is any.</summary>
    public static void ThrowIfAny(IReadOnlyList<FieldError> errors)
    {
        if (errors.Count > 0)
            throw DomainException.Invalid(errors[0].Field, string.Join(" ", errors.Select(e => e.Message)));
    }
}
