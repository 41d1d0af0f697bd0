using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CsScoring.Value;

/// <summary>Out-of-line throw helpers, so the checks in hot paths stay small enough to inline.</summary>
internal static class ValueThrow
{
    [DoesNotReturn]
    public static void Invalid(string field, double value, string problem, long? row = null)
        => throw new InvalidModelInputException(field, value, problem, row);

    [DoesNotReturn]
    public static void DestinationTooShort(string name, int needed, int actual)
        => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The destination holds {actual} values but {needed} are needed."), name);

    /// <summary>Throws unless the value is finite and &gt; 0.</summary>
    public static void IfNotPositive(double value, string field)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            Invalid(field, value, "must be a finite number > 0");
        }
    }

    /// <summary>Throws unless the value is finite and ≥ 0.</summary>
    public static void IfNegative(double value, string field)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            Invalid(field, value, "must be a finite number >= 0");
        }
    }
}
