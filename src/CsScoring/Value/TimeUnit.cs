namespace CsScoring.Value;

/// <summary>
/// The unit in which a model's times (recency, age, horizons) are measured. Units are part of every API that
/// mixes times, so a model fitted in weeks is never asked for a horizon in days by mistake.
/// </summary>
public enum TimeUnit
{
    /// <summary>One day.</summary>
    Day,

    /// <summary>Seven days.</summary>
    Week,

    /// <summary>An average Gregorian month: 365.25 / 12 = 30.4375 days.</summary>
    Month,

    /// <summary>An average quarter: 365.25 / 4 = 91.3125 days.</summary>
    Quarter,

    /// <summary>An average year: 365.25 days.</summary>
    Year,
}

/// <summary>Conversions between <see cref="TimeUnit"/> values.</summary>
public static class TimeUnits
{
    /// <summary>The length of a unit in days.</summary>
    /// <param name="unit">The unit.</param>
    /// <returns>1, 7, 30.4375, 91.3125 or 365.25.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The unit is not defined.</exception>
    public static double Days(TimeUnit unit) => unit switch
    {
        TimeUnit.Day => 1.0,
        TimeUnit.Week => 7.0,
        TimeUnit.Month => 365.25 / 12.0,
        TimeUnit.Quarter => 365.25 / 4.0,
        TimeUnit.Year => 365.25,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown time unit."),
    };

    /// <summary>Converts a duration from one unit to another.</summary>
    /// <param name="value">The duration in <paramref name="from"/> units.</param>
    /// <param name="from">The unit of <paramref name="value"/>.</param>
    /// <param name="to">The unit wanted.</param>
    /// <returns>The same duration in <paramref name="to"/> units (NaN stays NaN).</returns>
    public static double Convert(double value, TimeUnit from, TimeUnit to)
        => from == to ? value : value * Days(from) / Days(to);
}
