using CsScoring.Data;
using CsScoring.Training.Cli;
using Spectre.Console.Cli;

namespace CsScoring.Training.Cli;

/// <summary>
/// The reading options and the warnings collector of the command being run. Set once per command from its
/// <see cref="DataReadSettings"/> before it executes, so every file it opens — however deep in a pipeline — is
/// read by the same rules and every counted warning lands in one place, printed with the result and added to its
/// JSON.
/// </summary>
internal static class CliReading
{
    private static readonly AsyncLocal<Scope?> s_current = new();

    /// <summary>The reading options of the running command (the defaults outside a command).</summary>
    public static TabularReadOptions Options => s_current.Value?.Options ?? TabularReadOptions.Default;

    /// <summary>The counted warnings of the running command.</summary>
    public static DataWarnings Warnings => s_current.Value?.Warnings ?? (s_current.Value = NewScope(null)).Warnings;

    /// <summary>Opens a file (CSV or Parquet) with the running command's reading options.</summary>
    public static TabularReader Open(string path) => TabularReader.Open(path, Options);

    /// <summary>Starts a command's scope.</summary>
    public static void Begin(CommandSettings? settings) => s_current.Value = NewScope(settings as DataReadSettings);

    private static Scope NewScope(DataReadSettings? settings)
    {
        var warnings = new DataWarnings();
        return new Scope(settings?.ToReadOptions(warnings) ?? new TabularReadOptions { Warnings = warnings }, warnings);
    }

    private sealed record Scope(TabularReadOptions Options, DataWarnings Warnings);

    /// <summary>Installs the scope before each command runs.</summary>
    public sealed class Interceptor : ICommandInterceptor
    {
        public void Intercept(CommandContext context, CommandSettings settings) => Begin(settings);
    }
}
