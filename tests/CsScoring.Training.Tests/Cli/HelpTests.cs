using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CsScoring.Training.Cli;
using Spectre.Console.Cli;

namespace CsScoring.Training.Tests.Cli;

public sealed partial class HelpTests
{
    /// <summary>
    /// Every registered command, found from the command tree itself (<c>cli xmldoc</c>), prints its help and exits
    /// 0; and every default its help states — the DEFAULT column and "(default: X)" in the text — is the value the
    /// command really uses when the option is left out.
    /// </summary>
    [Fact]
    public void Help_EveryRegisteredCommand_PrintsAndStatesTheRealDefaults()
    {
        var (code, xml, error) = CliAppTests.Run("cli", "xmldoc");
        Assert.True(code == ExitCodes.Success, error);
        var commands = Commands(XDocument.Parse(xml).Root!, []).ToList();
        Assert.True(commands.Count >= 20, $"only {commands.Count} commands found");
        var failures = new List<string>();
        foreach (var (path, settingsType, element) in commands)
        {
            var (helpCode, help, helpError) = CliAppTests.Run([.. path, "--help"]);
            if (helpCode != ExitCodes.Success || helpError.Length > 0)
            {
                failures.Add($"{string.Join(' ', path)} --help: exit {helpCode}: {helpError}");
                continue;
            }

            if (settingsType is null)
            {
                continue;
            }

            var settings = Activator.CreateInstance(settingsType, nonPublic: true);
            foreach (var property in settingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<CommandOptionAttribute>() is not { } option)
                {
                    continue;
                }

                var name = $"{string.Join(" ", path)} --{(option.LongNames.Count > 0 ? option.LongNames[0] : option.ShortNames[0])}";
                var real = property.GetValue(settings);
                if (property.GetCustomAttribute<ImplicitDefaultAttribute>() is { } implicitDefault)
                {
                    real = implicitDefault.Type.GetField(implicitDefault.Member, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null);
                }

                if (property.GetCustomAttribute<DefaultValueAttribute>() is { } shown && !SameValue(shown.Value, real))
                {
                    failures.Add($"{name}: the DEFAULT column shows {Text(shown.Value)} but the setting defaults to {Text(real)}");
                }

                var description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? string.Empty;
                foreach (Match stated in StatedDefault().Matches(description))
                {
                    if (!SameValue(stated.Groups["value"].Value, real))
                    {
                        failures.Add($"{name}: the help says '(default: {stated.Groups["value"].Value})' but the setting defaults to {Text(real)}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Help_Piped_KeepsLongOptionLinesWhole()
    {
        var (code, help, _) = CliAppTests.Run("train", "--help");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains(help.Split('\n'), line => line.Contains("--leaves", StringComparison.Ordinal) && line.Contains("(default: 8)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ltv", "in [0, 1]")]
    [InlineData("clv fit", "T[, monetary_value]")]
    [InlineData("survival", "inside [0, 1]")]
    public void Help_OptionTextWithBrackets_DoesNotCrash(string command, string text)
    {
        var (code, help, error) = CliAppTests.Run([.. command.Split(' '), "--help"]);
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains(text, help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "ltv", "--arpa", "abc", "--churn", "0.02" }, "--arpa: 'abc' is not a number")]
    [InlineData(new[] { "ltv", "--arpa=abc", "--churn", "0.02" }, "--arpa: 'abc' is not a number")]
    [InlineData(new[] { "train", "--data", "d.csv", "--label", "y", "--out", "o", "--trees", "many" }, "--trees: 'many' is not a whole number")]
    public void BadOptionValue_NamesTheOptionAndTheExpectedValue(string[] args, string expected)
    {
        var (code, _, error) = CliAppTests.Run(args);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Nullable", error, StringComparison.Ordinal);
    }

    private static IEnumerable<(string[] Path, Type? Settings, XElement Element)> Commands(XElement parent, string[] prefix)
    {
        foreach (var command in parent.Elements("Command"))
        {
            string[] path = [.. prefix, command.Attribute("Name")!.Value];
            var settingsName = command.Attribute("Settings")?.Value;
            var settingsType = settingsName is null ? null : typeof(CliApp).Assembly.GetType(settingsName);
            yield return (path, settingsType, command);
            foreach (var child in Commands(command, path))
            {
                yield return child;
            }
        }
    }

    private static bool SameValue(object? stated, object? real)
    {
        if (stated is null || real is null)
        {
            return stated is null && real is null;
        }

        var statedText = stated is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : stated.ToString()!;
        var realText = real is IFormattable g ? g.ToString(null, CultureInfo.InvariantCulture) : real.ToString()!;
        return statedText == realText
            || (double.TryParse(statedText, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
                && double.TryParse(realText, NumberStyles.Float, CultureInfo.InvariantCulture, out var b) && a == b);
    }

    private static string Text(object? value) => value is null ? "nothing" : $"'{value}'";

    [GeneratedRegex(@"\(default: (?<value>[^)]+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex StatedDefault();
}
