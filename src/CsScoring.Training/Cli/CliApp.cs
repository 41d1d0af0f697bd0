using System.Reflection;
using System.Runtime.InteropServices;
using CsScoring.Training.Data;
using CsScoring.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

/// <summary>Builds the command tree and turns every failure into an exit code and a one-line message.</summary>
internal static class CliApp
{
    // Spellings users' scripts rely on that the parser cannot declare: it refuses one-letter long options.
    private static readonly Dictionary<string, string> OptionAliases = new(StringComparer.Ordinal)
    {
        ["--T"] = "-T",
    };

    private const int RedirectedWidth = 400;

    /// <summary>The informational version stamped on the assembly at build (the package version).</summary>
    internal static string InformationalVersion { get; } =
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CliApp).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        // The library reads CSV; the console adds Parquet wherever a table is read.
        TabularReader.RegisterFormat(ParquetFormat.Instance);
        var app = new CommandApp();
        var helpConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout ?? Console.Out) });
        if (stdout is not null || Console.IsOutputRedirected)
        {
            // Redirected output has no terminal width; Spectre's 80-column default would break examples across lines.
            helpConsole.Profile.Width = RedirectedWidth;
        }

        app.Configure(config =>
        {
            config.ConfigureConsole(helpConsole);
            config.SetApplicationName("csscoring");
            config.SetApplicationVersion(InformationalVersion);
            config.PropagateExceptions();
            config.ValidateExamples();
            config.UseStrictParsing();
            config.SetInterceptor(new CliReading.Interceptor());
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

            // SIGTERM and Ctrl-C: delete the temporaries being written and stop moving outputs into place, then let
            // the signal end the process as usual; the old outputs stay intact. SIGKILL cannot be caught: the next
            // write into the same folder sweeps what a killed process left.
            using var cancellation = new CancellationTokenSource();
            void Stop(PosixSignalContext signal)
            {
                cancellation.Cancel();
                AtomicOutput.DiscardPending();
            }

            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            return app.Run(args.Select(a => OptionAliases.GetValueOrDefault(a, a)), cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("stopped: nothing was written and earlier outputs are unchanged.");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            return ErrorReporter.Report(OptionValueErrors.Explain(ex, args), Console.Error);
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }
}
