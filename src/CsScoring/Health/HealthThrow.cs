using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CsScoring.Health;

/// <summary>Out-of-line throws, so the hot paths stay small enough to inline and keep their registers.</summary>
internal static class HealthThrow
{
    [DoesNotReturn]
    public static void ValuesLength(int actual, int expected, string parameter)
        => throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"Expected {expected} metric values (one per metric, in scorecard order), got {actual}."),
            parameter);

    [DoesNotReturn]
    public static void DestinationTooShort(int actual, int required, string parameter)
        => throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"Destination span is too short: {actual} elements for {required} required."),
            parameter);

    [DoesNotReturn]
    public static void BatchLength(int actual, int metrics, int accounts, string parameter)
        => throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"Expected {metrics} columns of {accounts} values ({(long)metrics * accounts} in column-major order, one column per metric), got {actual}."),
            parameter);

    [DoesNotReturn]
    public static void MetricIndex(int index, int count, string parameter)
        => throw new ArgumentOutOfRangeException(parameter, index, string.Create(CultureInfo.InvariantCulture, $"The metric index must be in [0, {count})."));
}
