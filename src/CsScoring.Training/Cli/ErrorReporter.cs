using System.Text.Json;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

/// <summary>Maps exceptions to exit codes: the user's input errors are 2 with a clear message, anything else is 1.</summary>
internal static class ErrorReporter
{
    public static int Report(Exception exception, TextWriter stderr)
    {
        if (IsBadInput(exception))
        {
            stderr.WriteLine($"error: {exception.Message}");
            return ExitCodes.BadInput;
        }

        stderr.WriteLine($"internal error: {exception.GetType().Name}: {exception.Message}");
        stderr.WriteLine(exception.StackTrace);
        return ExitCodes.InternalError;
    }

    // CsScoringException covers every typed library error (data, definitions, options, models, existing outputs),
    // each naming its file, row, column, JSON path or option; the BCL types cover the console's own parsing.
    public static bool IsBadInput(Exception exception) => exception switch
    {
        CommandAppException => true,
        CsScoringException => true,
        FormatException or JsonException => true,
        FileNotFoundException or DirectoryNotFoundException => true,
        UnauthorizedAccessException => true,
        ArgumentException => true,
        _ => false,
    };
}
