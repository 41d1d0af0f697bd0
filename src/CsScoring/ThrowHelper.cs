using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CsScoring.Value;

namespace CsScoring;

/// <summary>
/// The library's one set of out-of-line throws: hot paths call these so their own code stays small enough to inline
/// and keep its registers. Every helper takes the parameter's name first, then what was required, then what was given.
/// </summary>
internal static class ThrowHelper
{
    /// <summary>A destination span holds fewer elements than the call writes.</summary>
    [DoesNotReturn]
    public static void DestinationTooShort(string parameter, long required, long actual)
        => throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"The destination holds {actual} elements but {required} are needed."),
            parameter);

    /// <summary>An input span has another length than the call needs.</summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="expected">The length needed.</param>
    /// <param name="actual">The length given.</param>
    /// <param name="layout">What the elements are, e.g. "one per metric, in scorecard order", or <see langword="null"/>.</param>
    [DoesNotReturn]
    public static void WrongLength(string parameter, long expected, long actual, string? layout = null)
        => throw new ArgumentException(
            layout is null
                ? string.Create(CultureInfo.InvariantCulture, $"Expected {expected} values but got {actual}.")
                : string.Create(CultureInfo.InvariantCulture, $"Expected {expected} values ({layout}) but got {actual}."),
            parameter);

    /// <summary>An index outside [0, <paramref name="count"/>).</summary>
    [DoesNotReturn]
    public static void IndexOutOfRange(string parameter, int count, int index)
        => throw new ArgumentOutOfRangeException(parameter, index, string.Create(CultureInfo.InvariantCulture, $"The index must be in [0, {count})."));

    /// <summary>An argument that breaks a rule the message states.</summary>
    [DoesNotReturn]
    public static void Argument(string message, string? parameter = null) => throw new ArgumentException(message, parameter);

    /// <summary>An argument outside the range the message states.</summary>
    [DoesNotReturn]
    public static void ArgumentOutOfRange(string parameter, object? value, string message)
        => throw new ArgumentOutOfRangeException(parameter, value, message);

    /// <summary>A call that the object's state does not allow.</summary>
    [DoesNotReturn]
    public static void InvalidOperation(string message) => throw new InvalidOperationException(message);

    /// <summary>A value or retention model's input outside its domain.</summary>
    [DoesNotReturn]
    public static void InvalidModelInput(string field, double value, string problem, long? row = null)
        => throw new InvalidModelInputException(field, value, problem, row);

    /// <summary>Throws <see cref="InvalidModelInputException"/> unless the value is finite and &gt; 0.</summary>
    public static void IfNotPositive(double value, string field)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            InvalidModelInput(field, value, "must be a finite number > 0");
        }
    }

    /// <summary>Throws <see cref="InvalidModelInputException"/> unless the value is finite and ≥ 0.</summary>
    public static void IfNegative(double value, string field)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            InvalidModelInput(field, value, "must be a finite number >= 0");
        }
    }
}
