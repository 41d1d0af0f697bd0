using CsScoring.Training.Cli;

namespace CsScoring.Training;

internal static class Program
{
    public static int Main(string[] args) => CliApp.Run(args);
}
