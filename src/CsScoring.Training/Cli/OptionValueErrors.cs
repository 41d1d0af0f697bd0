using System.Reflection;
using System.Text.RegularExpressions;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

/// <summary>
/// Turns the parser's "Failed to convert 'abc' to Nullable`1" into a message that names the option and the kind of
/// value it takes, found from the command line and the option's declaration.
/// </summary>
internal static partial class OptionValueErrors
{
    public static Exception Explain(Exception exception, IReadOnlyList<string> args)
    {
        if (exception is not CommandAppException || ConversionFailed().Match(exception.Message) is not { Success: true } match)
        {
            return exception;
        }

        var value = match.Groups["value"].Value;
        var option = FindOption(args, value);
        if (option is null)
        {
            return exception;
        }

        var expected = Expected(OptionType(option));
        return new ArgumentException($"{option}: '{value}' is not {expected}.", exception);
    }

    private static string? FindOption(IReadOnlyList<string> args, string value)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith('-') && args[i].Contains('=', StringComparison.Ordinal) && args[i].EndsWith("=" + value, StringComparison.Ordinal))
            {
                return args[i][..args[i].IndexOf('=', StringComparison.Ordinal)];
            }

            if (i > 0 && args[i] == value && args[i - 1].StartsWith('-'))
            {
                return args[i - 1];
            }
        }

        return null;
    }

    private static Type? OptionType(string option)
    {
        var name = option.TrimStart('-');
        foreach (var type in typeof(OptionValueErrors).Assembly.GetTypes().Where(t => typeof(CommandSettings).IsAssignableFrom(t)))
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<CommandOptionAttribute>() is { } attribute
                    && (attribute.LongNames.Contains(name, StringComparer.Ordinal) || attribute.ShortNames.Contains(name, StringComparer.Ordinal)))
                {
                    return property.PropertyType;
                }
            }
        }

        return null;
    }

    private static string Expected(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type is not null && type.IsArray)
        {
            type = type.GetElementType();
        }

        return type switch
        {
            null => "a valid value",
            _ when type == typeof(int) || type == typeof(long) => "a whole number (e.g. 12)",
            _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "a number (e.g. 12.5, with a decimal point)",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(DateOnly) || type == typeof(DateTime) => "a date (yyyy-MM-dd)",
            _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}",
            _ => $"a valid {type.Name}",
        };
    }

    [GeneratedRegex(@"^Failed to convert '(?<value>.*)' to ", RegexOptions.CultureInvariant)]
    private static partial Regex ConversionFailed();
}
