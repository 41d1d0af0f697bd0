using CsScoring.Data;
using CsScoring.Segmentation;
using CsScoring.Training.Cli;
using CsScoring.Training.Reporting;

namespace CsScoring.Training.Run;

/// <summary>What the main job's steps share: the input folder, the folder being written, the report and the summary.</summary>
internal sealed class RunContext
{
    public RunContext(IDataFolder data, string outputDirectory, int seed, CliConsole console, CapacityOptions? capacity = null)
    {
        Data = data;
        Capacity = capacity ?? new CapacityOptions();
        OutputDirectory = outputDirectory;
        Seed = seed;
        Console = console;
        Report = new HtmlReport("CsScoring report");
    }

    /// <summary>The input files; each is opened once, by <see cref="RunInputs.Read"/> or the one step that needs it.</summary>
    public IDataFolder Data { get; }

    /// <summary>The temporary folder the step writes into; it becomes <c>--out</c> when every step succeeded.</summary>
    public string OutputDirectory { get; }

    public int Seed { get; }

    /// <summary>What a CSM costs and the budget ratio the coverage and organisation plans use.</summary>
    public CapacityOptions Capacity { get; }

    public CliConsole Console { get; }

    public HtmlReport Report { get; }

    /// <summary>Figures for <c>summary.json</c> and <c>--json</c>, keyed by step.</summary>
    public SortedDictionary<string, object?> Summary { get; } = new(StringComparer.Ordinal);

    /// <summary>Files written, relative to the output folder.</summary>
    public List<string> Artifacts { get; } = [];

    /// <summary>Pseudonymises account ids in every output (<c>--pseudonymize-ids</c>), or <see langword="null"/>.</summary>
    public CsScoring.Privacy.Pseudonymizer? Pseudonymizer { get; init; }

    /// <summary>The <c>privacy</c> section of <c>summary.json</c> and the report.</summary>
    public PrivacySummary Privacy { get; } = new();

    /// <summary>An account id as outputs show it: pseudonymised when asked.</summary>
    public string Id(string raw) => Pseudonymizer?.Pseudonymize(raw) ?? raw;

    public string OutputFile(string name)
    {
        Artifacts.Add(name);
        return Path.Combine(OutputDirectory, name);
    }
}
