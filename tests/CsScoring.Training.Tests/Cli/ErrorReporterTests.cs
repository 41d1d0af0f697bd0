using System.Text.Json;
using CsScoring.Churn;
using CsScoring.Data;
using CsScoring.Health;
using CsScoring.Training.Cli;
using CsScoring.Value;

namespace CsScoring.Training.Tests.Cli;

public sealed class ErrorReporterTests
{
    public static TheoryData<Exception, string> BadInputs => new()
    {
        { new DataFormatException("'x' is not a number", "accounts.csv", 3, "seats"), "accounts.csv, row 3, column 'seats'" },
        { new ScorecardException("must be >= 0", "$.groups[0].weight", "card.json"), "card.json: $.groups[0].weight" },
        { new OutputExistsException("out/report.html exists; use --force", "out/report.html"), "out/report.html" },
        { new InvalidModelInputException("churn", -1, "must be in [0, 1]"), "churn = -1" },
        { new InvalidOptionException("CapacityOptions.CostPerCsm", -1m, "must be > 0"), "CapacityOptions.CostPerCsm = -1" },
        { new ChurnModelException(ChurnModelError.MissingManifest, "manifest.json is missing", "model"), "model: manifest.json is missing" },
        { new JsonException("bad JSON"), "bad JSON" },
        { new FileNotFoundException("data.csv does not exist"), "data.csv" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Report_EveryTypedInputError_ExitsTwoWithItsLocation(Exception exception, string where)
    {
        using var stderr = new StringWriter();
        Assert.Equal(ExitCodes.BadInput, ErrorReporter.Report(exception, stderr));
        Assert.Equal(2, ExitCodes.BadInput);
        Assert.Contains(where, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_UnexpectedError_ExitsOne()
    {
        using var stderr = new StringWriter();
        Assert.Equal(ExitCodes.InternalError, ErrorReporter.Report(new InvalidOperationException("bug"), stderr));
        Assert.StartsWith("internal error: InvalidOperationException", stderr.ToString(), StringComparison.Ordinal);
    }
}
