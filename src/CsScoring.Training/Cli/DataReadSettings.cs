using System.ComponentModel;
using System.Globalization;
using CsScoring.Data;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

/// <summary>
/// Options every command that reads tabular files shares: how to read a real export (missing-value markers,
/// delimiter, decimal mark, date format, longest cell). They become one <see cref="TabularReadOptions"/> that every
/// file the command reads is opened with (see <see cref="CliReading"/>).
/// </summary>
internal class DataReadSettings : OutputSettings
{
    [CommandOption("--na <VALUE>")]
    [Description("Also read VALUE (any case) as a missing cell; repeatable. Blank cells and NA, N/A, #N/A, NaN, nan, NULL, null, None, -, #NULL! always are.")]
    public string[] Na { get; init; } = [];

    [CommandOption("--delimiter <CHAR>")]
    [Description("Field delimiter of CSV files: , ; | or tab. Detected from the header when not given.")]
    public string? Delimiter { get; init; }

    [CommandOption("--decimal <MARK>")]
    [Description("Decimal mark of numbers in CSV files: . or , (as in 1.234,56). Detected from the first rows when not given; files that read either way are refused.")]
    public string? Decimal { get; init; }

    [CommandOption("--date-format <FORMAT>")]
    [Description("Format of non-ISO dates, e.g. dd/MM/yyyy or MM/dd/yyyy. Needed when a date such as 01/03/2025 could be either and no value of its column has a day above 12.")]
    public string? DateFormat { get; init; }

    [CommandOption("--max-cell-length <CHARS>")]
    [Description("Longest cell (record) accepted in CSV files, in characters.")]
    [DefaultValue(TabularReadOptions.DefaultMaxCellLength)]
    public int MaxCellLength { get; init; } = TabularReadOptions.DefaultMaxCellLength;

    /// <summary>The reading options these settings state, reporting into <paramref name="warnings"/>.</summary>
    /// <exception cref="ArgumentException">An option has a value it cannot have; the message names the option.</exception>
    public TabularReadOptions ToReadOptions(DataWarnings warnings)
    {
        try
        {
            return new TabularReadOptions
            {
                MissingValues = Na,
                Delimiter = Delimiter is null ? null : ParseDelimiter(Delimiter),
                DecimalMark = Decimal is null ? null : Decimal.Trim() is { Length: 1 } mark ? mark[0] : throw new ArgumentException($"--decimal must be '.' or ',', not '{Decimal}'."),
                DateFormat = DateFormat,
                MaxCellLength = MaxCellLength,
                Warnings = warnings,
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--max-cell-length must be between 1024 and {1 << 28}, not {MaxCellLength}."));
        }
        catch (ArgumentException ex) when (!ex.Message.StartsWith("--", StringComparison.Ordinal))
        {
            var option = ex.Message.Contains("delimiter", StringComparison.Ordinal) ? "--delimiter"
                : ex.Message.Contains("decimal", StringComparison.Ordinal) ? "--decimal"
                : ex.Message.Contains("date format", StringComparison.Ordinal) ? "--date-format"
                : "--na";
            throw new ArgumentException($"{option}: {ex.Message.Split(" (Parameter", 2)[0]}", ex);
        }
    }

    private static char ParseDelimiter(string text) => text switch
    {
        "tab" or "\\t" or "\t" => '\t',
        { Length: 1 } => text[0],
        _ => throw new ArgumentException($"--delimiter must be ',', ';', '|' or 'tab', not '{text}'."),
    };
}
