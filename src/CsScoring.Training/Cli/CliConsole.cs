using System.Text.Json;
using System.Text.Json.Nodes;
using CsScoring.Data;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CsScoring.Training.Cli;

/// <summary>
/// Where a command's words go: results to stdout (as JSON with <c>--json</c>, else as text), progress and notes to
/// stderr. Progress bars show only on an interactive terminal and never with <c>--quiet</c> or <c>--json</c>.
/// </summary>
internal sealed class CliConsole
{
    private readonly IAnsiConsole _out;
    private readonly IAnsiConsole _err;

    public CliConsole(OutputSettings settings)
        : this(settings.Json, settings.Quiet)
    {
    }

    public CliConsole(bool json, bool quiet)
    {
        Json = json;
        Quiet = quiet;
        _out = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        _err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
    }

    public bool Json { get; }

    public bool Quiet { get; }

    private bool ShowProgress => !Quiet && !Json && !Console.IsErrorRedirected && _err.Profile.Capabilities.Interactive;

    /// <summary>A note for the person at the terminal (stderr); silent with --quiet.</summary>
    public void Note(string message)
    {
        if (!Quiet)
        {
            _err.MarkupLineInterpolated($"[grey]{message}[/]");
        }
    }

    /// <summary>A warning (stderr); shown even with --json, silent with --quiet.</summary>
    public void Warn(string message)
    {
        if (!Quiet)
        {
            _err.MarkupLineInterpolated($"[yellow]warning:[/] {message}");
        }
    }

    /// <summary>A warning about people's data (stderr): shown even with --quiet and --json, because it changes what was learnt and written.</summary>
    public void PrivacyWarn(string message) => _err.MarkupLineInterpolated($"[yellow]warning:[/] {message}");

    /// <summary>Human-readable result output (stdout); skipped with --json, where the JSON object is the result.</summary>
    public void Result(IRenderable renderable)
    {
        if (!Json)
        {
            _out.Write(renderable);
        }
    }

    /// <summary>Human-readable result line (stdout); skipped with --json.</summary>
    public void ResultLine(string text)
    {
        if (!Json)
        {
            _out.WriteLine(text);
        }
    }

    /// <summary>
    /// Prints the counted data warnings of the command (stderr, even with --quiet: they say the numbers may be off),
    /// and the JSON result when --json was given, with the warnings as its <c>warnings</c> array.
    /// </summary>
    public void JsonResult<T>(T value)
    {
        var warnings = CliReading.Warnings.Items;
        foreach (var warning in warnings)
        {
            _err.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
        }

        if (!Json)
        {
            return;
        }

        if (warnings.Count > 0 && JsonSerializer.SerializeToNode(value, CsScoringJson.Options) is JsonObject result)
        {
            result["warnings"] = WarningsJson(warnings);
            Console.Out.WriteLine(result.ToJsonString(CsScoringJson.Options));
            return;
        }

        Console.Out.WriteLine(JsonSerializer.Serialize(value, CsScoringJson.Options));
    }

    /// <summary>The warnings as a JSON array of objects (code, message, file, column, first_row, count).</summary>
    public static JsonArray WarningsJson(IReadOnlyList<DataWarning> warnings)
        => [.. warnings.Select(w => (JsonNode)new JsonObject
        {
            ["code"] = w.Code,
            ["message"] = w.Message,
            ["file"] = w.Source,
            ["column"] = w.Column,
            ["first_row"] = w.FirstRow,
            ["count"] = w.Count,
        })];

    /// <summary>Runs a long step with a progress bar when one can be shown, else silently.</summary>
    /// <param name="description">What the step does.</param>
    /// <param name="work">The step; it reports progress in [0, 1].</param>
    public T Step<T>(string description, Func<IProgress<double>, T> work)
    {
        if (!ShowProgress)
        {
            return work(new Progress<double>(_ => { }));
        }

        return _err.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(description, autoStart: true, maxValue: 1.0);
                var result = work(new SynchronousProgress(fraction => task.Value = Math.Clamp(fraction, 0, 1)));
                task.Value = 1.0;
                return result;
            });
    }

    /// <summary>Runs a long step that returns nothing.</summary>
    public void Step(string description, Action<IProgress<double>> work)
        => Step(description, progress =>
        {
            work(progress);
            return 0;
        });

    // Progress<T> posts to the thread pool; a progress bar wants the value now.
    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
