using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace CsScoring;

/// <summary>
/// The one way options are validated: each <c>init</c> accessor passes its value through a check that returns it or
/// throws <see cref="InvalidOptionException"/> naming the option as <c>Type.Property</c> (the property's name comes
/// from <see cref="CallerMemberNameAttribute"/>, so it cannot drift from the code).
/// </summary>
internal static class OptionGuard
{
    /// <summary>A finite number &gt; 0.</summary>
    public static double Positive(double value, string type, [CallerMemberName] string option = "")
        => value > 0 && double.IsFinite(value) ? value : Fail<double>(type, option, value, "must be a finite number > 0");

    /// <summary>A finite number ≥ 0.</summary>
    public static double NonNegative(double value, string type, [CallerMemberName] string option = "")
        => value >= 0 && double.IsFinite(value) ? value : Fail<double>(type, option, value, "must be a finite number >= 0");

    /// <summary>A number in (<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static double AboveAndAtMost(double value, double min, double max, string type, [CallerMemberName] string option = "")
        => value > min && value <= max ? value : Fail<double>(type, option, value, Range('(', min, max, ']'));

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static double InRange(double value, double min, double max, string type, [CallerMemberName] string option = "")
        => value >= min && value <= max ? value : Fail<double>(type, option, value, Range('[', min, max, ']'));

    /// <summary>An amount &gt; 0.</summary>
    public static decimal Positive(decimal value, string type, [CallerMemberName] string option = "")
        => value > 0 ? value : Fail<decimal>(type, option, value, "must be > 0");

    /// <summary>An amount ≥ 0.</summary>
    public static decimal NonNegative(decimal value, string type, [CallerMemberName] string option = "")
        => value >= 0 ? value : Fail<decimal>(type, option, value, "must be >= 0");

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static int InRange(int value, int min, int max, string type, [CallerMemberName] string option = "")
        => value >= min && value <= max ? value : Fail<int>(type, option, value, Range('[', min, max, ']'));

    /// <summary>An integer ≥ <paramref name="min"/>.</summary>
    public static int AtLeast(int value, int min, string type, [CallerMemberName] string option = "")
        => value >= min ? value : Fail<int>(type, option, value, FormattableString.Invariant($"must be >= {min}"));

    /// <summary>A duration ≥ 0.</summary>
    public static TimeSpan NonNegative(TimeSpan value, string type, [CallerMemberName] string option = "")
        => value >= TimeSpan.Zero ? value : Fail<TimeSpan>(type, option, value, "must be >= 0");

    /// <summary>A text that is not null, empty or white space.</summary>
    public static string NotBlank(string? value, string type, [CallerMemberName] string option = "")
        => !string.IsNullOrWhiteSpace(value) ? value : Fail<string>(type, option, null, "is required (not blank)");

    /// <summary>A reference that is not null.</summary>
    public static T NotNull<T>(T? value, string type, [CallerMemberName] string option = "")
        where T : class
        => value ?? Fail<T>(type, option, null, "is required (not null)");

    /// <summary>Throws for an option that breaks a rule involving other options.</summary>
    [DoesNotReturn]
    public static void Throw(string type, string option, object? value, string problem)
        => throw new InvalidOptionException($"{type}.{option}", value, problem);

    [DoesNotReturn]
    private static T Fail<T>(string type, string option, object? value, string problem)
        => throw new InvalidOptionException($"{type}.{option}", value, problem);

    private static string Range(char open, double min, double max, char close)
        => FormattableString.Invariant($"must be in {open}{min}, {max}{close}");
}
