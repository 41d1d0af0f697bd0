using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

/// <summary>Builds the command tree and turns every failure into an exit code and a one-line message.</summary>
internal static class CliApp
{
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var app = new CommandApp();
        var helpConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout ?? Console.Out) });
        app.Configure(config =>
        {
            config.ConfigureConsole(helpConsole);
            config.SetApplicationName("csscoring");
            config.PropagateExceptions();
            config.ValidateExamples();
            config.UseStrictParsing();
            CommandRegistry.Register(config);
        });

        var previousOut = Console.Out;
        var previousError = Console.Error;
        try
        {
            if (stdout is not null)
            {
                Console.SetOut(stdout);
            }

            if (stderr is not null)
            {
                Console.SetError(stderr);
            }

            return app.Run(args);
        }
        catch (Exception ex)
        {
            return ErrorReporter.Report(ex, Console.Error);
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }
}
